package io.imdsguard.agent;

import io.imdsguard.agent.instrument.BootstrapBridge;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. Kept tiny on purpose: the bootstrap bridge must be installed before
 * any class that refers to it is loaded, so everything else starts from {@link AgentRuntime}.
 */
public final class ImdsGuardAgent {

    private static volatile boolean started;

    private ImdsGuardAgent() {
    }

    /** {@code -javaagent:imds-guard-agent.jar=key=value,...} */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    /** Dynamic attach to a running JVM. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation) {
        if (started) {
            System.err.println("[imds-guard] already running in this JVM; ignoring the second start");
            return;
        }
        started = true;
        try {
            String bridge = BootstrapBridge.install(instrumentation);
            AgentRuntime.start(arguments, instrumentation, bridge);
        } catch (Throwable t) {
            // Whatever happens, the application must start as if the agent were not there.
            System.err.println("[imds-guard] failed to start; the application runs without imds-guard: " + t);
        }
    }
}
