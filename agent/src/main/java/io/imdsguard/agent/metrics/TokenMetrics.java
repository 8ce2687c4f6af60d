package io.imdsguard.agent.metrics;

/**
 * What the token layer ({@code rewrite/}) counts. An interface, so that the token layer depends on
 * what it records and not on the Micrometer-backed {@link ImdsMetrics} that records it.
 */
public interface TokenMetrics {

    /** Time spent getting the token for one rewritten request. */
    void recordRewriteLatency(long nanos);

    /** Counts one of the agent's own token requests: {@code success} or the failure's reason. */
    void countTokenFetch(String outcome);
}
