package io.imdsguard.agent.detect;

/** How an IMDS request authenticates itself. */
public enum ImdsVersion {
    /** No session token: what {@code HttpTokens=required} refuses. */
    V1("v1"),
    /** Carries {@code X-aws-ec2-metadata-token}. */
    V2("v2"),
    /** {@code PUT /latest/api/token}: the start of a v2 session. */
    TOKEN("token"),
    /**
     * Another cloud's metadata request ({@link OtherCloud}) on the IMDS address: not an AWS call,
     * never rewritten or blocked, and not part of the readiness verdict.
     */
    OTHER_CLOUD("other_cloud"),
    /**
     * A request to IMDS whose head the agent could not read (raw sockets only): reported with its
     * call site like a v1 call, never rewritten, refused under mode=enforce.
     */
    UNPARSED("unparsed");

    private final String tag;

    ImdsVersion(String tag) {
        this.tag = tag;
    }

    /** The value used in metrics tags and reports. */
    public String tag() {
        return tag;
    }
}
