package io.imdsguard.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar imds-guard-agent.jar <command>}: the agent jar's Main-Class. Each command is a
 * class of its own; this only picks one.
 */
public final class AgentCli {

    /** Wrong usage: unknown command, missing or malformed argument, bad configuration. */
    static final int USAGE = 2;

    private AgentCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        if ("attach".equals(command)) {
            return new AttachCommand(out, err).run(rest);
        }
        if ("list".equals(command)) {
            return new ListCommand(out, err).run(rest);
        }
        usage(err);
        return USAGE;
    }

    static void usage(PrintStream err) {
        err.println("usage: java -jar imds-guard-agent.jar <command>");
        err.println("  attach PID [key=value,...]  load imds-guard into a running JVM, or change the mode of the");
        err.println("                              imds-guard already running there (needs a JDK, not a JRE)");
        err.println("  list                        the JVMs of this user that attach can reach");
    }
}
