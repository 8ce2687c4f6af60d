package io.imdsguard.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: start once, and on a later attach only reconfigure. The bootstrap
 * bridge is installed later, when the first HTTP client class is woven (see
 * {@code instrument.BridgeConnection}), so nothing loaded from here may refer to it.
 */
public final class ImdsGuardAgent {

    private static AgentRuntime running;
    /** A start that failed half-way may have instrumented classes already: never try again in this JVM. */
    private static boolean failed;

    private ImdsGuardAgent() {
    }

    /** {@code -javaagent:imds-guard-agent.jar=key=value,...} */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    /**
     * Dynamic attach to a running JVM ({@code java -jar imds-guard-agent.jar attach PID}). The JVM
     * loads this class through the system class loader, as for -javaagent, so a second attach finds
     * the running agent here and only changes its configuration.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        if (failed) {
            System.err.println("[imds-guard] failed to start earlier in this JVM; restart it to use imds-guard");
            return;
        }
        try {
            if (running != null) {
                running.reconfigure(arguments);
                return;
            }
            // Null when the configuration was bad: a later attach with a good one may still start it.
            running = AgentRuntime.start(arguments, instrumentation, attached);
        } catch (Throwable t) {
            failed = true;
            // Whatever happens, the application must start as if the agent were not there.
            System.err.println("[imds-guard] failed to start; the application runs without imds-guard: " + t);
        }
    }
}
