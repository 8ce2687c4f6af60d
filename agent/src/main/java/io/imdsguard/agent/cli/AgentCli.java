package io.imdsguard.agent.cli;

import io.imdsguard.agent.check.CheckCommand;
import io.imdsguard.agent.command.Command;
import io.imdsguard.agent.scan.ScanCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar imds-guard-agent.jar <command> ...}: the agent jar's Main-Class. Each command is
 * a class of its own; this only picks one. The same jar is the {@code -javaagent}; this class is
 * only loaded when the jar is run as a program.
 */
public final class AgentCli {

    /** Wrong usage: unknown command, missing or malformed argument, bad configuration. */
    static final int USAGE = Command.USAGE_OR_INPUT_ERROR;

    private AgentCli() {}

    /** Every command, by name, in the order the usage text lists them. Add a command here. */
    static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<String, Command>();
        commands.put(
                "attach",
                new Command() {
                    @Override
                    public String usage() {
                        return "attach PID [key=value,...]\n"
                                + "    Load imds-guard into a running JVM, or change the mode of the imds-guard already\n"
                                + "    running there (needs a JDK, not a JRE).";
                    }

                    @Override
                    public int run(List<String> args, PrintStream out, PrintStream err) {
                        return new AttachCommand(out, err).run(args.toArray(new String[0]));
                    }
                });
        commands.put(
                "list",
                new Command() {
                    @Override
                    public String usage() {
                        return "list\n    The JVMs of this user that attach can reach.";
                    }

                    @Override
                    public int run(List<String> args, PrintStream out, PrintStream err) {
                        return new ListCommand(out, err).run(args.toArray(new String[0]));
                    }
                });
        commands.put("check", new CheckCommand());
        commands.put("scan", new ScanCommand());
        return commands;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0) {
            err.print(usage(commands));
            return USAGE;
        }
        String name = args[0];
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            out.print(usage(commands));
            return 0;
        }
        Command command = commands.get(name);
        if (command == null) {
            err.println(
                    "imds-guard: unknown command '"
                            + io.imdsguard.agent.log.Sanitizer.forLog(name, 80)
                            + "'");
            err.print(usage(commands));
            return USAGE;
        }
        try {
            return command.run(Arrays.asList(args).subList(1, args.length), out, err);
        } catch (RuntimeException | Error e) {
            // A user gets one line, never a stack trace.
            err.println("imds-guard " + name + ": internal error: " + e);
            return USAGE;
        }
    }

    /** The usage text on {@code err}, for a command that was called wrongly. */
    static void usage(PrintStream err) {
        err.print(usage(commands()));
    }

    static String usage(Map<String, Command> commands) {
        StringBuilder text =
                new StringBuilder("usage: java -jar imds-guard-agent.jar <command> [arguments]\n\n")
                        .append("commands:\n");
        for (Command command : commands.values()) {
            for (String line : command.usage().split("\n")) {
                text.append("  ").append(line).append('\n');
            }
        }
        text.append("  help\n      Show this text.\n\n")
                .append(
                        "As an agent: java -javaagent:imds-guard-agent.jar[=key=value,...] -jar app.jar\n");
        return text.toString();
    }
}
