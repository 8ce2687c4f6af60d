package io.imdsguard.agent.rewrite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TokenManager.Clock} that only moves when a test moves it. */
public final class FakeClock implements TokenManager.Clock {

    /**
     * An arbitrary, negative start: System.nanoTime() may be negative too, only differences count.
     */
    private final AtomicLong nanos = new AtomicLong(-7_000_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    public void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    public void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    public void advanceNanos(long delta) {
        nanos.addAndGet(delta);
    }
}
