package io.imdsguard.agent.policy;

import io.imdsguard.agent.detect.ImdsVersion;

/**
 * The outcome for one request: what happened, why, and the token header value the client
 * instrumentation must add (null to leave the request as it is). {@link #toString()} never shows
 * the header value: it may be a real token.
 */
public final class Decision {

    /** The reason tag when there is nothing to explain. */
    public static final String NO_REASON = "none";

    private final ImdsVersion version;
    private final Action action;
    private final String reason;
    private final String tokenHeader;

    private Decision(ImdsVersion version, Action action, String reason, String tokenHeader) {
        this.version = version;
        this.action = action;
        this.reason = reason;
        this.tokenHeader = tokenHeader;
    }

    public static Decision observed(ImdsVersion version) {
        return new Decision(version, Action.OBSERVED, NO_REASON, null);
    }

    static Decision v1(Action action, String reason, String tokenHeader) {
        return new Decision(ImdsVersion.V1, action, reason, tokenHeader);
    }

    public ImdsVersion version() {
        return version;
    }

    public Action action() {
        return action;
    }

    /** A bounded reason such as {@code out_of_scope} or {@code timeout}, or {@link #NO_REASON}. */
    public String reason() {
        return reason;
    }

    /** The value to send as {@code X-aws-ec2-metadata-token}, or null to change nothing. */
    public String tokenHeader() {
        return tokenHeader;
    }

    @Override
    public String toString() {
        return version.tag() + "/" + action.tag() + "/" + reason;
    }
}
