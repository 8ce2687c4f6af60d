package io.imdsguard.agent.callsite;

import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.policy.Action;
import java.util.concurrent.atomic.AtomicLongArray;

/** How many IMDS requests of each kind this JVM made, for the report's totals and summary line. */
public final class RequestTotals {

    private final AtomicLongArray counts = new AtomicLongArray(ImdsVersion.values().length);
    private final AtomicLongArray actions = new AtomicLongArray(Action.values().length);

    public void add(ImdsVersion version, Action action) {
        counts.incrementAndGet(version.ordinal());
        actions.incrementAndGet(action.ordinal());
    }

    public long get(ImdsVersion version) {
        return counts.get(version.ordinal());
    }

    public long get(Action action) {
        return actions.get(action.ordinal());
    }
}
