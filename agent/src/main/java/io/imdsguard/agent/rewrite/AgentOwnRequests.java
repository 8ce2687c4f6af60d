package io.imdsguard.agent.rewrite;

/**
 * Marks the current thread while the agent makes its own IMDS request, so that the instrumentations
 * let it pass untouched: the agent's token requests are never intercepted, reported as the
 * application's, or counted.
 */
public final class AgentOwnRequests {

    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<Boolean>();

    private AgentOwnRequests() {}

    public static boolean active() {
        return ACTIVE.get() != null;
    }

    static void enter() {
        ACTIVE.set(Boolean.TRUE);
    }

    static void exit() {
        ACTIVE.remove();
    }
}
