package io.imdsguard.mockimds;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the handler decided to answer, kept apart from the exchange so the protocol rules stay free
 * of I/O.
 */
record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {

    static final String TEXT = "text/plain";
    static final String OCTET_STREAM = "application/octet-stream";

    static Reply text(int status, String body) {
        return new Reply(status, body.getBytes(StandardCharsets.UTF_8), TEXT, Map.of());
    }

    static Reply ok(String body) {
        return text(200, body);
    }

    /**
     * Real IMDS sends a short page naming the status; a plain-text line keeps the same information.
     */
    static Reply error(int status) {
        return text(status, status + " - " + reason(status));
    }

    static Reply empty(int status) {
        return new Reply(status, new byte[0], TEXT, Map.of());
    }

    Reply withHeader(String name, String value) {
        var merged = new java.util.LinkedHashMap<>(headers);
        merged.put(name, value);
        return new Reply(status, body, contentType, Map.copyOf(merged));
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
