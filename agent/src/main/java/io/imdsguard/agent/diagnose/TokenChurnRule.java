package io.imdsguard.agent.diagnose;

/**
 * When a call site churns tokens. A client that caches its token makes one PUT per token lifetime
 * (up to six hours) however often it reads, so its ratio falls towards 0 within a handful of reads;
 * AWS SDK for Java v1 1.12 makes one PUT per read, a ratio of 1. Half a token per read, judged only
 * after a few reads so that start-up (one PUT, one read) is never taken for churn, separates the
 * two with a wide margin on either side.
 */
public final class TokenChurnRule {

    /** No verdict before this many v2 reads have been attributed to the site. */
    public static final int MIN_READS = 5;

    /** At or above this many token PUTs per v2 read, the site churns. */
    public static final double MIN_TOKENS_PER_READ = 0.5;

    private TokenChurnRule() {}

    public static boolean churns(long tokens, long reads) {
        return reads >= MIN_READS && tokens >= MIN_TOKENS_PER_READ * reads;
    }
}
