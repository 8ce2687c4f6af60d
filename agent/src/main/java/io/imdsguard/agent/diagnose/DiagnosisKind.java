package io.imdsguard.agent.diagnose;

/** The IMDS migration traps the agent recognises by their signature. */
public enum DiagnosisKind {
    /** The application's token PUT failed, and the same code then fell back to IMDSv1. */
    HOP_LIMIT("hop-limit", "hop_limit"),
    /** A call site that fetches a new token for (nearly) every read. */
    TOKEN_CHURN("token-churn", "token_churn");

    private final String id;
    private final String tag;

    DiagnosisKind(String id, String tag) {
        this.id = id;
        this.tag = tag;
    }

    /** The name in the log and the JSON report's {@code kind}. */
    public String id() {
        return id;
    }

    /** The value of the {@code diagnosis} tag of {@code imds.diagnoses}. */
    public String tag() {
        return tag;
    }
}
