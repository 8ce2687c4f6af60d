package io.imdsguard.agent.policy;

/** What the agent did with an IMDS request; the {@code action} tag of {@code imds.requests}. */
public enum Action {
    /** Left alone: report mode, or not a v1 request. */
    OBSERVED("observed"),
    /** A v1 request sent as v2, with the agent's token. */
    REWRITTEN("rewritten"),
    /** A v1 request outside the rewrite scope, sent unchanged. */
    REWRITE_DENIED("rewrite_denied"),
    /** A v1 request in scope that could not get a token, sent unchanged. */
    REWRITE_FAILED("rewrite_failed"),
    /** A v1 request refused the way HttpTokens=required refuses it (enforce mode). */
    BLOCKED("blocked");

    private final String tag;

    Action(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
