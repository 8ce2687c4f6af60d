package io.imdsguard.mockimds;

/**
 * A snapshot of what the mock has answered since start or the last {@link MockImds#resetStats()}.
 *
 * <p>A v1/v2 request counts as served when it got a 2xx/3xx or a 404 (an unknown path is still a
 * normal answer); any other status, or no answer at all, counts as rejected. A token request counts
 * as issued only when a token was handed out.
 */
public record ImdsStats(
        long v1Served,
        long v1Rejected,
        long v2Served,
        long v2Rejected,
        long tokensIssued,
        long tokenRequestsRejected,
        long total) {

    /** One line for logs, e.g. the mock's shutdown summary. */
    public String summary() {
        return "total="
                + total
                + " v1Served="
                + v1Served
                + " v1Rejected="
                + v1Rejected
                + " v2Served="
                + v2Served
                + " v2Rejected="
                + v2Rejected
                + " tokensIssued="
                + tokensIssued
                + " tokenRequestsRejected="
                + tokenRequestsRejected;
    }
}
