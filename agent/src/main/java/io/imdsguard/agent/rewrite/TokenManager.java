package io.imdsguard.agent.rewrite;

import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.TokenMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one token for one IMDS endpoint, shared by every thread and client. Fetched on first use,
 * refreshed ahead of expiry by a single thread while the others keep using the still-valid token,
 * dropped when IMDS rejects it, and not asked for again during a back-off after a failure, so that
 * a dead token endpoint is not hammered on every call.
 */
public final class TokenManager {

    /** Time source; a seam for tests. */
    public interface Clock {
        long nanoTime();
    }

    static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String origin;
    private final TokenFetcher fetcher;
    private final int ttlSeconds;
    private final Clock clock;
    private final AgentLog log;
    private final TokenMetrics metrics;
    private final AtomicReference<Held> held = new AtomicReference<Held>();
    private final ReentrantLock fetching = new ReentrantLock();
    private long retryAfterNanos;
    private int consecutiveFailures;
    private String lastFailure;

    public TokenManager(
            String origin,
            TokenFetcher fetcher,
            int ttlSeconds,
            Clock clock,
            AgentLog log,
            TokenMetrics metrics) {
        this.origin = origin;
        this.fetcher = fetcher;
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
        this.log = log;
        this.metrics = metrics;
    }

    public TokenResult token() {
        long now = clock.nanoTime();
        Held current = held.get();
        if (current != null && now < current.refreshAt) {
            return TokenResult.of(current.value);
        }
        if (current != null && now < current.expiresAt) {
            // Refresh window: one thread fetches, nobody waits for it.
            if (fetching.tryLock()) {
                try {
                    if (held.get() == current) {
                        refresh(now);
                    }
                } finally {
                    fetching.unlock();
                }
            }
            Held latest = held.get();
            if (latest != null && now < latest.expiresAt) {
                return TokenResult.of(latest.value);
            }
            // Rejected meanwhile: fall through and wait for a fresh one like everybody else.
        }
        fetching.lock();
        try {
            // Whoever held the lock before us may have fetched already: one PUT for many first
            // calls.
            current = held.get();
            now = clock.nanoTime();
            if (current != null && now < current.expiresAt) {
                return TokenResult.of(current.value);
            }
            return refresh(now);
        } finally {
            fetching.unlock();
        }
    }

    /**
     * IMDS answered 401 to this token (it restarted, or the token expired early): drop it, once.
     */
    public void rejected(String value) {
        Held current = held.get();
        if (current != null && current.value.equals(value) && held.compareAndSet(current, null)) {
            log.info("IMDS rejected the agent's token for " + origin + "; fetching a new one");
        }
    }

    /** Called with {@link #fetching} held. */
    private TokenResult refresh(long now) {
        if (lastFailure != null && now < retryAfterNanos) {
            Held current = held.get();
            return current != null && now < current.expiresAt
                    ? TokenResult.of(current.value)
                    : TokenResult.failed(lastFailure);
        }
        try {
            // IMDS starts the token's life when it issues it, which is after this instant and
            // before the answer
            // arrives: counting from here, not from the answer, keeps a slow answer from stretching
            // its life.
            long askedAt = clock.nanoTime();
            FetchedToken token = fetcher.fetch(origin, ttlSeconds);
            int grantedSeconds = token.ttlSeconds;
            long ttlNanos = TimeUnit.SECONDS.toNanos(grantedSeconds);
            // Stop using it a margin before IMDS would refuse it: a request carrying it still has
            // to travel. The
            // margin is 1 s, but a quarter of a short lifetime, so a token of a few seconds is not
            // used to its
            // last tenth. Refresh from 80% of the lifetime, and at least a tenth before it goes out
            // of use.
            long margin = Math.min(TimeUnit.SECONDS.toNanos(1), ttlNanos / 4);
            long useUntil = askedAt + ttlNanos - margin;
            long refreshFrom =
                    askedAt + Math.min(ttlNanos / 10 * 8, ttlNanos - margin - ttlNanos / 10);
            held.set(new Held(token.value, refreshFrom, useUntil));
            metrics.countTokenFetch("success");
            if (lastFailure != null) {
                log.info("got an IMDSv2 token from " + origin + " again; rewriting resumes");
            } else {
                log.debug(
                        "fetched an IMDSv2 token from "
                                + origin
                                + " (TTL "
                                + grantedSeconds
                                + " s)");
            }
            lastFailure = null;
            consecutiveFailures = 0;
            return TokenResult.of(token.value);
        } catch (RuntimeException e) {
            return failed(now, new TokenFetchException("error", e.toString()));
        } catch (TokenFetchException e) {
            return failed(now, e);
        }
    }

    /**
     * Called with {@link #fetching} held: start or lengthen the back-off, say so once per reason.
     */
    private TokenResult failed(long now, TokenFetchException e) {
        consecutiveFailures++;
        long backoff =
                Math.min(
                        MAX_BACKOFF_NANOS,
                        FIRST_BACKOFF_NANOS << Math.min(consecutiveFailures - 1, 4));
        retryAfterNanos = clock.nanoTime() + backoff;
        metrics.countTokenFetch(e.reason());
        if (!e.reason().equals(lastFailure)) {
            log.info(
                    "cannot get an IMDSv2 token from "
                            + origin
                            + " (reason "
                            + e.reason()
                            + "): "
                            + e.getMessage()
                            + "; v1 calls go on unchanged (action=rewrite_failed); next attempt in "
                            + TimeUnit.NANOSECONDS.toSeconds(backoff)
                            + " s at the earliest");
        }
        lastFailure = e.reason();
        Held current = held.get();
        return current != null && now < current.expiresAt
                ? TokenResult.of(current.value)
                : TokenResult.failed(e.reason());
    }

    private static final class Held {
        final String value;
        final long refreshAt;
        final long expiresAt;

        Held(String value, long refreshAt, long expiresAt) {
            this.value = value;
            this.refreshAt = refreshAt;
            this.expiresAt = expiresAt;
        }
    }
}
