package io.imdsguard.it.support;

import java.util.function.Supplier;

/**
 * Polls for something a running JVM will show soon, and fails with a description if it does not.
 */
public final class Await {

    private Await() {}

    public static void until(String what, Supplier<Boolean> condition, Supplier<String> context)
            throws InterruptedException {
        long deadline = System.nanoTime() + AppJvm.TIMEOUT.toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ":\n" + context.get());
            }
            Thread.sleep(50);
        }
    }
}
