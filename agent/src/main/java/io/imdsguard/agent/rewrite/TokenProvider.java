package io.imdsguard.agent.rewrite;

import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.TokenMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link TokenManager} per IMDS endpoint the application talks to (normally exactly one): a
 * token is bound to the IMDS that issued it.
 */
public final class TokenProvider {

    private final TokenFetcher fetcher;
    private final int ttlSeconds;
    private final TokenManager.Clock clock;
    private final AgentLog log;
    private final TokenMetrics metrics;
    private final ConcurrentMap<String, TokenManager> managers =
            new ConcurrentHashMap<String, TokenManager>();

    public TokenProvider(
            TokenFetcher fetcher,
            int ttlSeconds,
            TokenManager.Clock clock,
            AgentLog log,
            TokenMetrics metrics) {
        this.fetcher = fetcher;
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
        this.log = log;
        this.metrics = metrics;
    }

    public static TokenManager.Clock systemClock() {
        return new TokenManager.Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }

    /**
     * The token for a request to be rewritten; the time it took is recorded, cache hits included.
     */
    public TokenResult token(String origin) {
        long start = clock.nanoTime();
        TokenResult result = manager(origin).token();
        if (result.ok()) {
            metrics.recordRewriteLatency(clock.nanoTime() - start);
        }
        return result;
    }

    public void rejected(String origin, String value) {
        TokenManager manager = managers.get(origin);
        if (manager != null) {
            manager.rejected(value);
        }
    }

    private TokenManager manager(String origin) {
        TokenManager manager = managers.get(origin);
        if (manager == null) {
            manager = new TokenManager(origin, fetcher, ttlSeconds, clock, log, metrics);
            TokenManager raced = managers.putIfAbsent(origin, manager);
            if (raced != null) {
                manager = raced;
            }
        }
        return manager;
    }
}
