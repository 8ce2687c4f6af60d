package io.imdsguard.agent.config;

/** What the agent does with the IMDS requests it sees. */
public enum Mode {
    /** Observe and report; change nothing. */
    REPORT;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
