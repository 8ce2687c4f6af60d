package io.imdsguard.agent.command;

import java.io.PrintStream;
import java.util.List;

/** One command of {@code java -jar imds-guard-agent.jar <command>}. */
public interface Command {

    /** Exit code for a wrong command line or unreadable input, the same for every command. */
    int USAGE_OR_INPUT_ERROR = 2;

    /**
     * How to call it, one or more lines for the usage text, e.g. {@code check [options]
     * REPORT.json...}.
     */
    String usage();

    /** Runs it with the arguments after the command's name; answers the process exit code. */
    int run(List<String> args, PrintStream out, PrintStream err);
}
