package io.imdsguard.agent.rewrite;

/** A token, or the bounded reason there is none. {@link #toString()} never shows the token. */
public final class TokenResult {

    private final String value;
    private final String failureReason;

    private TokenResult(String value, String failureReason) {
        this.value = value;
        this.failureReason = failureReason;
    }

    static TokenResult of(String value) {
        return new TokenResult(value, null);
    }

    static TokenResult failed(String reason) {
        return new TokenResult(null, reason);
    }

    public boolean ok() {
        return value != null;
    }

    public String value() {
        return value;
    }

    public String failureReason() {
        return failureReason;
    }

    @Override
    public String toString() {
        return ok() ? "token" : "no token: " + failureReason;
    }
}
