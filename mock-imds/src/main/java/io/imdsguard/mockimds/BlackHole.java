package io.imdsguard.mockimds;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds token requests without answering, to emulate a PUT response that the hop limit discards:
 * the client must see a timeout, not an error status.
 */
final class BlackHole {

    private final Object lock = new Object();
    // Null while off; one latch per "on" period so turning off releases exactly the requests held
    // in it.
    private CountDownLatch gate;
    private boolean closed;

    void setEnabled(boolean on) {
        synchronized (lock) {
            if (on && gate == null && !closed) {
                gate = new CountDownLatch(1);
            } else if (!on && gate != null) {
                gate.countDown();
                gate = null;
            }
        }
    }

    /** The gate to wait on, or null when requests should pass. */
    CountDownLatch currentGate() {
        synchronized (lock) {
            return gate;
        }
    }

    /**
     * Blocks until the given gate opens, the thread is interrupted, or a long safety limit passes.
     */
    static void hold(CountDownLatch gate) {
        try {
            // The limit only guards against a leaked thread if close() is never called.
            gate.await(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void close() {
        synchronized (lock) {
            closed = true;
            if (gate != null) {
                gate.countDown();
                gate = null;
            }
        }
    }
}
