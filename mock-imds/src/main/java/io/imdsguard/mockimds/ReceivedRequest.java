package io.imdsguard.mockimds;

/**
 * One request as the mock saw it.
 *
 * @param method       the HTTP method
 * @param path         the raw request path, without the query string
 * @param kind         how imds-guard classifies it
 * @param status       the status answered, or 0 when the request was never answered (black hole)
 * @param forwardedFor whether it carried {@code X-Forwarded-For}
 */
public record ReceivedRequest(String method, String path, Kind kind, int status, boolean forwardedFor) {

    /** The classification the agent uses, so tests can compare the agent's view with the mock's. */
    public enum Kind {
        /** Any method on {@code /latest/api/token} (or a versioned token path). */
        TOKEN,
        /** Carries {@code X-aws-ec2-metadata-token}. */
        V2,
        /** Everything else. */
        V1
    }
}
