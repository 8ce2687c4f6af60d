package io.imdsguard.agent.rewrite;

import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.TokenMetrics;

/**
 * The agent's {@link TokenProvider}, made the first time rewrite mode needs it: a JVM that never
 * rewrites never holds a token, and one switched to rewrite at run time gets one from then on. Once
 * made it stays, so that a token already handed out can still be dropped when IMDS rejects it.
 */
public final class LazyTokenProvider {

    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final int ttlSeconds;
    private final AgentLog log;
    private final TokenMetrics metrics;
    private volatile TokenProvider provider;

    public LazyTokenProvider(
            long connectTimeoutMillis,
            long readTimeoutMillis,
            int ttlSeconds,
            AgentLog log,
            TokenMetrics metrics) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.ttlSeconds = ttlSeconds;
        this.log = log;
        this.metrics = metrics;
    }

    /** The provider, made now if this is the first time. */
    public TokenProvider get() {
        TokenProvider current = provider;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (provider == null) {
                provider =
                        new TokenProvider(
                                new HttpTokenFetcher(connectTimeoutMillis, readTimeoutMillis),
                                ttlSeconds,
                                TokenProvider.systemClock(),
                                log,
                                metrics);
            }
            return provider;
        }
    }

    /** The provider if rewrite mode ever made one, else null: nothing to drop or refresh. */
    public TokenProvider existing() {
        return provider;
    }
}
