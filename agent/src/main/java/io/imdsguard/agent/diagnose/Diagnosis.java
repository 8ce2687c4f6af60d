package io.imdsguard.agent.diagnose;

import java.util.concurrent.atomic.AtomicLong;

/** One diagnosis at one call site: what was found, how often, and what to do about it. */
public final class Diagnosis {

    private final DiagnosisKind kind;
    private final String site;
    private final String siteTag;
    private final String client;
    private final TokenSite tokens;
    private final long firstSeen;
    private final AtomicLong count = new AtomicLong();
    private volatile long lastSeen;
    private volatile String failure;

    Diagnosis(
            DiagnosisKind kind,
            String site,
            String siteTag,
            String client,
            TokenSite tokens,
            String failure,
            long firstSeen) {
        this.kind = kind;
        this.site = site;
        this.siteTag = siteTag;
        this.client = client;
        this.tokens = tokens;
        this.failure = failure;
        this.firstSeen = firstSeen;
        this.lastSeen = firstSeen;
    }

    void occurred(long times, String how, long now) {
        count.addAndGet(times);
        if (how != null) {
            failure = how;
        }
        if (now > lastSeen) {
            lastSeen = now;
        }
    }

    public DiagnosisKind kind() {
        return kind;
    }

    /** The call-site frame, as in the report's {@code callSites[].site}. */
    public String site() {
        return site;
    }

    /** The site as {@code class.method}, without the line: the metric's {@code site} tag. */
    public String siteTag() {
        return siteTag;
    }

    public String client() {
        return client;
    }

    /**
     * Hop limit: v1 fallbacks after a failed PUT. Token churn: token PUTs from the site once it
     * churned.
     */
    public long count() {
        return count.get();
    }

    /** Token PUTs the application made from the site of the token requests. */
    public long tokens() {
        return tokens != null ? tokens.tokens.get() : 0;
    }

    /** v2 reads that followed those PUTs on their threads. */
    public long reads() {
        return tokens != null ? tokens.reads.get() : 0;
    }

    /** Null when there were no reads to divide by. */
    public Double tokensPerRead() {
        long reads = reads();
        return reads == 0 ? null : Double.valueOf((double) tokens() / reads);
    }

    /** How the token PUT failed, last time (hop limit); null for token churn. */
    public String failure() {
        return failure;
    }

    public String advice() {
        return DiagnosisAdvice.of(kind, failure);
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastSeen() {
        return lastSeen;
    }
}
