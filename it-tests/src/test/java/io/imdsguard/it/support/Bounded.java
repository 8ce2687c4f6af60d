package io.imdsguard.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a call that has no timeout of its own (a JMX connect, an attach) on a thread of its own, and
 * fails with a message if it has not returned in time, so that a hang fails the test fast.
 */
public final class Bounded {

    private Bounded() {}

    public static <T> T within(Duration limit, String what, Callable<T> call) throws Exception {
        ExecutorService thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "bounded: " + what);
                            t.setDaemon(true);
                            return t;
                        });
        try {
            Future<T> result = thread.submit(call);
            try {
                return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                throw new AssertionError(what + " did not finish within " + limit);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw new AssertionError(what + " failed", e.getCause());
            }
        } finally {
            thread.shutdownNow();
        }
    }
}
