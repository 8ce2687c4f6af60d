package io.imdsguard.mockimds;

import java.util.List;

/**
 * One request as the mock saw it.
 *
 * @param method the HTTP method
 * @param path the raw request path, without the query string
 * @param kind how imds-guard classifies it
 * @param status the status answered, or 0 when the request was never answered (black hole)
 * @param forwardedFor whether it carried {@code X-Forwarded-For}
 * @param relayHeaders the relay headers it carried ({@link #RELAY_HEADERS}), lower case, in that
 *     list's order
 */
public record ReceivedRequest(
        String method,
        String path,
        Kind kind,
        int status,
        boolean forwardedFor,
        List<String> relayHeaders) {

    /** The headers that say a request was relayed for someone else, lower case. */
    public static final List<String> RELAY_HEADERS =
            List.of("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via");

    public ReceivedRequest {
        relayHeaders = List.copyOf(relayHeaders);
    }

    /** A request whose only relay header, if any, is {@code X-Forwarded-For}. */
    public ReceivedRequest(
            String method, String path, Kind kind, int status, boolean forwardedFor) {
        this(
                method,
                path,
                kind,
                status,
                forwardedFor,
                forwardedFor ? List.of("x-forwarded-for") : List.of());
    }

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
