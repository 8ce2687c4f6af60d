package io.imdsguard.agent.config;

/** What the agent does with the IMDS requests it sees. */
public enum Mode {
    /** Observe and report; change nothing. */
    REPORT,
    /** Send v1 requests from trusted call sites as v2, with a token the agent holds. */
    REWRITE,
    /** Emulate HttpTokens=required: every v1 request is refused by IMDS itself, with a 401. */
    ENFORCE;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
