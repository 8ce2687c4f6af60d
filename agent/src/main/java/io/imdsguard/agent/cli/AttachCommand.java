package io.imdsguard.agent.cli;

import io.imdsguard.agent.config.ConfigKey;
import io.imdsguard.agent.config.ConfigLoader;
import io.imdsguard.agent.config.ConfigResult;
import io.imdsguard.agent.control.AgentStatus;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * {@code attach PID [key=value,...]}: loads this jar as an agent into a running JVM, or, where
 * imds-guard already runs, has it change what can change at run time.
 */
final class AttachCommand {

    /** What a running agent changes when attached again; the rest needs a restart. */
    static final Set<ConfigKey> CHANGEABLE_AT_RUN_TIME =
            Collections.unmodifiableSet(
                    EnumSet.of(ConfigKey.MODE, ConfigKey.REWRITE_CALLERS, ConfigKey.JMX_CONTROL));

    private final PrintStream out;
    private final PrintStream err;

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length < 1 || args.length > 2) {
            err.println(
                    "imds-guard: attach needs a pid, and optionally the agent's key=value,... arguments");
            AgentCli.usage(err);
            return AgentCli.USAGE;
        }
        String pid = args[0].trim();
        String options = args.length > 1 ? args[1] : "";
        if (!pid.matches("[0-9]+")) {
            err.println(
                    "imds-guard: '"
                            + pid
                            + "' is not a process id; 'java -jar imds-guard-agent.jar list' shows them");
            return AgentCli.USAGE;
        }
        // Checked here with the agent's own rules, so that a typo never reaches the target.
        ConfigResult config =
                ConfigLoader.load(
                        options,
                        Collections.<String, String>emptyMap(),
                        Collections.<String, String>emptyMap());
        if (!config.ok()) {
            for (String error : config.errors()) {
                err.println("imds-guard: configuration error: " + error);
            }
            err.println("imds-guard: nothing was attached to " + pid);
            return AgentCli.USAGE;
        }
        try {
            AttachApi api = AttachApi.load();
            String jvmPid = checkTarget(api, pid);
            if (!jvmPid.equals(pid)) {
                out.println(
                        "process "
                                + pid
                                + " ("
                                + TargetProcess.of(pid).name()
                                + ") is not a JVM but runs one,"
                                + " "
                                + jvmPid
                                + " ("
                                + TargetProcess.of(jvmPid).name()
                                + "): attaching to "
                                + jvmPid);
            }
            out.println(attach(api, jvmPid, options));
            return 0;
        } catch (CliFailure failure) {
            err.println("imds-guard: " + failure.getMessage());
            return failure.exitCode();
        }
    }

    private String attach(AttachApi api, String pid, String options) throws CliFailure {
        AttachApi.Jvm jvm;
        try {
            jvm = api.attach(pid);
        } catch (Exception e) {
            throw attachRefused(pid, e);
        }
        try {
            Properties before = jvm.systemProperties();
            String runningMode = before.getProperty(AgentStatus.MODE);
            try {
                jvm.loadAgent(agentJar(), options);
            } catch (Exception e) {
                if (!java8Success(e)) {
                    throw loadRefused(pid, e);
                }
            }
            Properties after = jvm.systemProperties();
            String mode = after.getProperty(AgentStatus.MODE);
            if (mode == null) {
                throw new CliFailure(
                        "imds-guard did not start in "
                                + pid
                                + ": the target refused its configuration"
                                + " (its imds.guard.* system properties or IMDS_GUARD_* environment variables count too);"
                                + " the reason is on the standard error of "
                                + pid,
                        AttachApi.FAILED);
            }
            return describe(pid, options, runningMode, mode, after);
        } catch (CliFailure failure) {
            throw failure;
        } catch (Exception e) {
            throw new CliFailure(
                    "lost the connection to " + pid + " while attaching: " + e, AttachApi.FAILED);
        } finally {
            jvm.detach();
        }
    }

    private static String describe(
            String pid, String options, String runningMode, String mode, Properties after) {
        StringBuilder text = new StringBuilder();
        if (runningMode == null) {
            text.append("attached imds-guard to ")
                    .append(pid)
                    .append(" (mode=")
                    .append(mode)
                    .append(')');
        } else {
            text.append("imds-guard already runs in ")
                    .append(pid)
                    .append(": now mode=")
                    .append(mode)
                    .append(
                            runningMode.equals(mode)
                                    ? " (unchanged)"
                                    : " (was " + runningMode + ")");
            List<String> restart = new ArrayList<String>();
            for (ConfigKey key : ConfigLoader.keysIn(options)) {
                if (!CHANGEABLE_AT_RUN_TIME.contains(key)) {
                    restart.add(key.key());
                }
            }
            if (!restart.isEmpty()) {
                text.append("; not changed at run time (they need a restart): ")
                        .append(join(restart));
            }
        }
        String log = after.getProperty(AgentStatus.LOG, AgentStatus.STANDARD_ERROR);
        text.append("; it logs to ")
                .append(
                        AgentStatus.STANDARD_ERROR.equals(log)
                                ? "the standard error of " + pid
                                : log);
        String report = after.getProperty(AgentStatus.REPORT);
        if (report != null) {
            text.append("; report: ").append(report);
        }
        return text.toString();
    }

    private static String join(List<String> keys) {
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            text.append(text.length() > 0 ? ", " : "").append(key);
        }
        return text.toString();
    }

    /**
     * A Java 8 target answers a successful load with a bare {@code 0}, where Java 9+ answers {@code
     * return code: 0}; the attach API of Java 9+ then throws {@code AgentLoadException: 0} (JDK 25:
     * {@code AgentLoadException: Failed to load agent library: 0}) although the agent loaded. The
     * target's system properties, read right after, confirm it.
     */
    static boolean java8Success(Exception e) {
        String message = String.valueOf(e.getMessage()).trim();
        return "AgentLoadException".equals(AttachApi.kind(e))
                && (message.equals("0") || message.endsWith(": 0"));
    }

    /**
     * Before anything is sent: no such process, or not a JVM. Returns the pid to attach to: the
     * given one, or, where it is a wrapper (timeout, tini, dumb-init) running exactly one JVM, that
     * JVM. A process that is not a JVM is never signalled: a wrapper forwards SIGQUIT to its JVM,
     * which prints a thread dump into the application's output, and the attach then times out.
     */
    private static String checkTarget(AttachApi api, String pid) throws CliFailure {
        TargetProcess process = TargetProcess.of(pid);
        if (process == null) {
            return pid;
        }
        if (!process.exists()) {
            throw new CliFailure(
                    "no process with pid " + pid + " (on this host, in this container)",
                    AttachApi.FAILED);
        }
        for (String[] jvm : api.list()) {
            if (jvm[0].equals(pid)) {
                return pid;
            }
        }
        if (process.runsJvm() == Boolean.FALSE) {
            List<String> jvms = process.jvmChildren();
            if (jvms.size() == 1) {
                return jvms.get(0);
            }
            throw new CliFailure(
                    "process "
                            + pid
                            + " ("
                            + process.name()
                            + ") is not a JVM that can be attached: it"
                            + " does not run a JVM (no libjvm in its memory)"
                            + (jvms.isEmpty()
                                    ? ""
                                    : " and runs "
                                            + jvms.size()
                                            + " JVMs ("
                                            + join(jvms)
                                            + "): attach to one of them")
                            + "; nothing was sent to it",
                    AttachApi.FAILED);
        }
        if (!process.catchesAttachSignal()) {
            throw new CliFailure(
                    "process "
                            + pid
                            + " ("
                            + process.name()
                            + ") is not a JVM that can be attached: it"
                            + " does not handle the attach signal (SIGQUIT; a JVM run with -Xrs does not either);"
                            + " nothing was sent to it",
                    AttachApi.FAILED);
        }
        return pid;
    }

    private static CliFailure attachRefused(String pid, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("does not support the attach mechanism")) {
            return new CliFailure(
                    "the JVM "
                            + pid
                            + " refuses attach: it runs with -XX:+DisableAttachMechanism."
                            + " Start it with -javaagent:imds-guard-agent.jar instead",
                    AttachApi.FAILED);
        }
        if (message.contains("No such process") || message.contains("non existent JVM")) {
            return new CliFailure("no process with pid " + pid, AttachApi.FAILED);
        }
        return new CliFailure(
                "cannot attach to "
                        + pid
                        + " ("
                        + AttachApi.kind(e)
                        + ": "
                        + message
                        + "). Attach works"
                        + " only with a JVM of the same user, in the same container",
                AttachApi.FAILED);
    }

    private static CliFailure loadRefused(String pid, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("EnableDynamicAgentLoading")) {
            return new CliFailure(
                    "the JVM "
                            + pid
                            + " refuses agents loaded at run time: it runs with"
                            + " -XX:-EnableDynamicAgentLoading. Start it with -javaagent:imds-guard-agent.jar instead",
                    AttachApi.FAILED);
        }
        return new CliFailure(
                "the JVM "
                        + pid
                        + " did not load imds-guard ("
                        + AttachApi.kind(e)
                        + ": "
                        + message
                        + "); see its standard error",
                AttachApi.FAILED);
    }

    /** This jar: the CLI runs from the very jar it loads into the target. */
    static String agentJar() throws CliFailure {
        try {
            File jar =
                    new File(
                            AttachCommand.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            if (!jar.isFile()) {
                throw new CliFailure(
                        "run attach from the agent jar (java -jar imds-guard-agent.jar attach ...), not"
                                + " from "
                                + jar,
                        AgentCli.USAGE);
            }
            return jar.getAbsolutePath();
        } catch (java.net.URISyntaxException | SecurityException e) {
            throw new CliFailure("cannot locate the agent jar: " + e, AttachApi.FAILED);
        }
    }
}
