package io.imdsguard.mockimds;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Counts answers and keeps the request log; one lock so a snapshot's counters always add up to its
 * total.
 */
final class StatsRecorder {

    static final int MAX_LOGGED_REQUESTS = 100_000;

    private final Object lock = new Object();
    // Oldest entries are dropped first, so a long-running demo keeps the recent history.
    private final ArrayDeque<ReceivedRequest> log = new ArrayDeque<>();
    private long v1Served;
    private long v1Rejected;
    private long v2Served;
    private long v2Rejected;
    private long tokensIssued;
    private long tokenRequestsRejected;
    private long total;

    void record(ReceivedRequest request) {
        synchronized (lock) {
            total++;
            boolean served = isServed(request.status());
            switch (request.kind()) {
                case TOKEN -> {
                    if (request.status() == 200) {
                        tokensIssued++;
                    } else {
                        tokenRequestsRejected++;
                    }
                }
                case V1 -> {
                    if (served) {
                        v1Served++;
                    } else {
                        v1Rejected++;
                    }
                }
                case V2 -> {
                    if (served) {
                        v2Served++;
                    } else {
                        v2Rejected++;
                    }
                }
            }
            if (log.size() >= MAX_LOGGED_REQUESTS) {
                log.pollFirst();
            }
            log.addLast(request);
        }
    }

    /**
     * A 404 is a normal answer about the instance (no such item), unlike 401/403/405/5xx or no
     * answer (0).
     */
    private static boolean isServed(int status) {
        return (status >= 200 && status < 400) || status == 404;
    }

    ImdsStats snapshot() {
        synchronized (lock) {
            return new ImdsStats(
                    v1Served,
                    v1Rejected,
                    v2Served,
                    v2Rejected,
                    tokensIssued,
                    tokenRequestsRejected,
                    total);
        }
    }

    List<ReceivedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(log);
        }
    }

    void reset() {
        synchronized (lock) {
            v1Served =
                    v1Rejected =
                            v2Served =
                                    v2Rejected = tokensIssued = tokenRequestsRejected = total = 0;
            log.clear();
        }
    }
}
