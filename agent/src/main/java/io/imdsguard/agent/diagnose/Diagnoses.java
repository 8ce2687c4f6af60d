package io.imdsguard.agent.diagnose;

import io.imdsguard.agent.detect.CallOrigin;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Recognises the hop-limit and token-churn signatures in the application's IMDS requests (the
 * agent's own never reach here). It keeps the hot path as it was: the stack is walked only for
 * token PUTs, which are rare unless the application churns, and for v1 calls, where the observer
 * walks it already; a v2 read costs one thread-local lookup. Each thread remembers the site of its
 * last token PUT, and the reads and v1 calls that follow on that thread are judged against it.
 */
public final class Diagnoses {

    /**
     * A v1 fallback comes right after the failed PUT; a v1 call much later is not explained by it.
     */
    static final long HOP_LIMIT_WINDOW_MILLIS = 60000;

    /** Token sites are code locations, so few; the cap only guards against the pathological. */
    static final int MAX_TOKEN_SITES = 1000;

    /** Wall-clock milliseconds; a test moves its own. */
    public interface Clock {
        long millis();
    }

    private final ThreadLocal<TokenAttempt> lastAttempt = new ThreadLocal<TokenAttempt>();
    private final ConcurrentMap<String, TokenSite> tokenSites =
            new ConcurrentHashMap<String, TokenSite>();
    private final DiagnosisRegistry registry;
    private final Clock clock;

    public Diagnoses(DiagnosisRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public static Clock systemClock() {
        return new Clock() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }
        };
    }

    public DiagnosisRegistry registry() {
        return registry;
    }

    /**
     * One application request to IMDS, as the observer classified it.
     *
     * @param v1Caller the call site of a v1 request (already walked), null for the other kinds
     * @param origin where the request was made, when it is sent from another thread; null otherwise
     */
    public void observe(
            ImdsVersion version, ImdsRequest request, CallerFrames v1Caller, CallOrigin origin) {
        try {
            judge(version, request, v1Caller, origin);
        } catch (RuntimeException e) {
            registry.log().internalError("diagnoses", e);
        }
    }

    private void judge(
            ImdsVersion version, ImdsRequest request, CallerFrames v1Caller, CallOrigin origin) {
        if (version == ImdsVersion.TOKEN) {
            tokenRequested(
                    request.client(),
                    origin != null
                            ? CallerFrames.of(origin.stack(), origin.classes())
                            : CallerFrames.ofCurrentThread(),
                    origin == null);
        } else if (origin != null) {
            // Sent from another thread than the one that made it: this thread's memory says nothing
            // about it.
            return;
        } else if (version == ImdsVersion.V2) {
            v2Read();
        } else if (v1Caller != null) {
            v1Call(request.client(), v1Caller);
        }
    }

    void tokenRequested(String client, CallerFrames caller, boolean onThisThread) {
        TokenSite site = tokenSite(client, caller);
        if (site != null) {
            site.tokens.incrementAndGet();
            if (site.churning.get()) {
                registry.occurred(
                        DiagnosisKind.TOKEN_CHURN,
                        site.site,
                        site.siteTag,
                        site.client,
                        site,
                        null,
                        1,
                        clock.millis(),
                        Thread.currentThread().getName());
            }
        }
        if (onThisThread) {
            lastAttempt.set(new TokenAttempt(site, caller.siteClass(), clock.millis()));
        }
    }

    void v2Read() {
        TokenAttempt attempt = lastAttempt.get();
        if (attempt == null || attempt.site == null) {
            return;
        }
        TokenSite site = attempt.site;
        long reads = site.reads.incrementAndGet();
        long tokens = site.tokens.get();
        if (TokenChurnRule.churns(tokens, reads) && site.churning.compareAndSet(false, true)) {
            registry.occurred(
                    DiagnosisKind.TOKEN_CHURN,
                    site.site,
                    site.siteTag,
                    site.client,
                    site,
                    null,
                    tokens,
                    clock.millis(),
                    Thread.currentThread().getName());
        }
    }

    void v1Call(String client, CallerFrames caller) {
        TokenAttempt attempt = lastAttempt.get();
        if (attempt == null || !attempt.siteClass.equals(caller.siteClass())) {
            return;
        }
        long now = clock.millis();
        if (now - attempt.at > HOP_LIMIT_WINDOW_MILLIS) {
            return;
        }
        String failure = attempt.failure();
        if (failure == null || !attempt.explainOnce()) {
            return;
        }
        registry.occurred(
                DiagnosisKind.HOP_LIMIT,
                caller.site(),
                siteTag(caller.site()),
                client,
                attempt.site,
                failure,
                1,
                now,
                Thread.currentThread().getName());
    }

    /** The last token PUT the application made on this thread, or null. */
    public TokenAttempt currentAttempt() {
        return lastAttempt.get();
    }

    /** The token PUT this thread is making failed, as the (synchronous) client just reported. */
    public void tokenFailedOnThisThread(String failure) {
        TokenAttempt attempt = lastAttempt.get();
        if (attempt != null) {
            attempt.failed(failure);
        }
    }

    private TokenSite tokenSite(String client, CallerFrames caller) {
        String key = client + '|' + caller.site();
        TokenSite site = tokenSites.get(key);
        if (site == null) {
            if (tokenSites.size() >= MAX_TOKEN_SITES) {
                return null;
            }
            TokenSite created = new TokenSite(caller.site(), siteTag(caller.site()), client);
            TokenSite raced = tokenSites.putIfAbsent(key, created);
            site = raced != null ? raced : created;
        }
        return site;
    }

    /**
     * {@code class.method(File.java:12)} to {@code class.method}: a bounded metric tag that
     * survives a rebuild.
     */
    static String siteTag(String site) {
        int paren = site.indexOf('(');
        return paren > 0 ? site.substring(0, paren) : site;
    }
}
