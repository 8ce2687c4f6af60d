package io.imdsguard.agent.metrics;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for exporters: named for thread dumps, and daemons so that they never keep the JVM alive.
 */
final class DaemonThreads implements ThreadFactory {

    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
        int n = count.incrementAndGet();
        Thread thread = new Thread(task, n == 1 ? name : name + "-" + n);
        thread.setDaemon(true);
        return thread;
    }
}
