package io.imdsguard.agent.cli;

import io.imdsguard.agent.control.AgentStatus;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * {@code list}: the JVMs of this user that attach can reach, with their main class or jar (never
 * their arguments, which may hold secrets) and whether imds-guard runs in them.
 */
final class ListCommand {

    /** Asking a hung JVM must not hang the list: the attach API's own default is 10 s. */
    private static final String ATTACH_TIMEOUT_PROPERTY = "sun.tools.attach.attachTimeout";

    private final PrintStream out;
    private final PrintStream err;

    ListCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length > 0) {
            err.println("imds-guard: list takes no arguments");
            return AgentCli.USAGE;
        }
        if (System.getProperty(ATTACH_TIMEOUT_PROPERTY) == null) {
            System.setProperty(ATTACH_TIMEOUT_PROPERTY, "3000");
        }
        try {
            AttachApi api = AttachApi.load();
            String self = ownPid();
            out.println(String.format("%-8s %-22s %s", "PID", "IMDS-GUARD", "MAIN CLASS OR JAR"));
            for (String[] jvm : api.list()) {
                if (jvm[0].equals(self)) {
                    continue;
                }
                out.println(
                        String.format(
                                "%-8s %-22s %s", jvm[0], imdsGuard(api, jvm[0]), mainOf(jvm[1])));
            }
            return 0;
        } catch (CliFailure failure) {
            err.println("imds-guard: " + failure.getMessage());
            return failure.exitCode();
        }
    }

    /** "mode=report" where imds-guard runs, "-" where not, "?" where the JVM does not answer. */
    private static String imdsGuard(AttachApi api, String pid) {
        AttachApi.Jvm jvm = null;
        try {
            jvm = api.attach(pid);
            String mode = jvm.systemProperties().getProperty(AgentStatus.MODE);
            return mode == null ? "-" : "mode=" + mode;
        } catch (Exception | LinkageError e) {
            return "? (" + AttachApi.kind(e) + ")";
        } finally {
            if (jvm != null) {
                jvm.detach();
            }
        }
    }

    /** The first word of the JVM's command: its main class or jar, without the arguments. */
    static String mainOf(String displayName) {
        String trimmed = displayName.trim();
        if (trimmed.isEmpty()) {
            return "(unknown)";
        }
        return trimmed.split("\\s+")[0];
    }

    private static String ownPid() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        int at = name.indexOf('@');
        return at > 0 ? name.substring(0, at) : name;
    }
}
