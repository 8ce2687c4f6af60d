package io.imdsguard.agent.rewrite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenFetcher} that counts its calls, hands out {@code <prefix><n>} for the n-th
 * successful fetch, and can be told to fail with a reason or to block until released.
 */
public final class FakeTokenFetcher implements TokenFetcher {

    /** Looks like nothing the agent would log on its own, so a log search for it means a leak. */
    public static final String SECRET_MARK = "SeCrEtToKeN";

    private final String prefix;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger successes = new AtomicInteger();
    private final List<String> origins = Collections.synchronizedList(new ArrayList<String>());
    private final List<Integer> requestedTtls =
            Collections.synchronizedList(new ArrayList<Integer>());
    private volatile String failReason;
    private volatile int grantedTtl;
    private volatile Gate gate;
    private volatile Runnable whileFetching;

    public FakeTokenFetcher() {
        this("AQAEA" + SECRET_MARK + "-");
    }

    public FakeTokenFetcher(String prefix) {
        this.prefix = prefix;
    }

    /** The value the n-th successful fetch returns. */
    public String token(int n) {
        return prefix + n;
    }

    public int calls() {
        return calls.get();
    }

    public List<String> origins() {
        synchronized (origins) {
            return new ArrayList<String>(origins);
        }
    }

    public List<Integer> requestedTtls() {
        synchronized (requestedTtls) {
            return new ArrayList<Integer>(requestedTtls);
        }
    }

    /** From now on every fetch fails with this reason; null to succeed again. */
    public void failWith(String reason) {
        this.failReason = reason;
    }

    public void succeed() {
        this.failReason = null;
    }

    /** The TTL IMDS "grants"; 0 (the default) grants what was asked for. */
    public void grantTtl(int seconds) {
        this.grantedTtl = seconds;
    }

    /**
     * Runs inside every fetch from now on, e.g. to let a fake clock move while the answer is on its
     * way.
     */
    public void whileFetching(Runnable action) {
        this.whileFetching = action;
    }

    /** Fetches from now on block until the returned gate is released. */
    public Gate blockFetches() {
        Gate g = new Gate();
        gate = g;
        return g;
    }

    @Override
    public FetchedToken fetch(String origin, int ttlSeconds) throws TokenFetchException {
        calls.incrementAndGet();
        origins.add(origin);
        requestedTtls.add(ttlSeconds);
        Gate g = gate;
        if (g != null) {
            g.entered.countDown();
            try {
                if (!g.released.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never released the blocked fetch");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenFetchException("error", "interrupted");
            }
        }
        Runnable during = whileFetching;
        if (during != null) {
            during.run();
        }
        String reason = failReason;
        if (reason != null) {
            throw new TokenFetchException(reason, "fake failure: " + reason);
        }
        int granted = grantedTtl;
        return new FetchedToken(
                token(successes.incrementAndGet()), granted > 0 ? granted : ttlSeconds);
    }

    /** Holds fetches until {@link #release()}. */
    public final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Waits (at most 5 s) until a fetch is blocked on this gate. */
        public void awaitEntered() throws InterruptedException {
            if (!entered.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("no fetch started");
            }
        }

        /** Lets every blocked fetch go on, and stops blocking new ones. */
        public void release() {
            if (gate == this) {
                gate = null;
            }
            released.countDown();
        }
    }
}
