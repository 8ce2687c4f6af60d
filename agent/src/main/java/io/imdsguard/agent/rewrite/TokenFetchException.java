package io.imdsguard.agent.rewrite;

/** The agent's own token request failed; {@link #reason()} is a bounded metrics tag value. */
public final class TokenFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public TokenFetchException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * One of timeout, refused, forbidden, not_found, method_not_allowed, throttled, server_error,
     * bad_status, error.
     */
    public String reason() {
        return reason;
    }
}
