package io.imdsguard.agent;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: start once, and on a later attach only reconfigure. From premain the
 * start runs beside the application's (see {@link AgentStart}). The bootstrap bridge is installed
 * later, when the first HTTP client class is woven (see {@code instrument.BridgeConnection}), so
 * nothing loaded from here may refer to it.
 */
public final class ImdsGuardAgent {

    private static final String FAILED_EARLIER =
            "failed to start earlier in this JVM; restart it to use imds-guard";

    /** How long an attach waits for a start from premain that is still running. */
    private static final long ATTACH_WAIT_MILLIS = 10_000;

    /** The start in this JVM that counts: guarded by the class. */
    private static AgentStart current;

    /**
     * Setting a start up threw: something may be half registered, so never try again in this JVM.
     */
    private static boolean broken;

    private ImdsGuardAgent() {}

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

    private static synchronized void start(
            String arguments, Instrumentation instrumentation, boolean attached) {
        if (broken) {
            say(FAILED_EARLIER);
            return;
        }
        try {
            if (current != null) {
                AgentRuntime running = current.awaitRuntime(ATTACH_WAIT_MILLIS);
                if (current.failed()) {
                    say(FAILED_EARLIER);
                    return;
                }
                if (running != null) {
                    running.reconfigure(arguments);
                    return;
                }
                if (!current.finished()) {
                    say("still starting from an earlier start; nothing changed, try again");
                    return;
                }
                // The earlier start found a bad configuration: this one may bring a good one.
            }
            current =
                    attached
                            ? AgentStart.now(arguments, instrumentation)
                            : AgentStart.inBackground(arguments, instrumentation);
        } catch (Throwable t) {
            broken = true;
            // Whatever happens, the application must start as if the agent were not there.
            say("failed to start; the application runs without imds-guard: " + t);
        }
    }

    /** Before the agent's log exists: to standard error as it was at premain. */
    private static void say(String line) {
        AgentLog.standardError().println("[imds-guard] " + line);
    }
}
