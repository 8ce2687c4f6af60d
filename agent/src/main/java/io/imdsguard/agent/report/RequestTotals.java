package io.imdsguard.agent.report;

import io.imdsguard.agent.detect.ImdsVersion;

import java.util.concurrent.atomic.AtomicLongArray;

/** How many IMDS requests of each kind this JVM made, for the report's totals and summary line. */
public final class RequestTotals {

    private final AtomicLongArray counts = new AtomicLongArray(ImdsVersion.values().length);

    public void add(ImdsVersion version) {
        counts.incrementAndGet(version.ordinal());
    }

    public long get(ImdsVersion version) {
        return counts.get(version.ordinal());
    }
}
