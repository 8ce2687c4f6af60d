package io.imdsguard.it.metrics;

import io.imdsguard.it.support.AppJvm;

/** Waits for a line of the agent's log in a running JVM. */
final class AgentLines {

    private AgentLines() {}

    static void await(AppJvm.Running app, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!app.stderr().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + text + "' from the agent:\n" + app.stderr());
            }
            Thread.sleep(20);
        }
    }
}
