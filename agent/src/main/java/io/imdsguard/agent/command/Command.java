package io.imdsguard.agent.command;

import java.io.PrintStream;
import java.util.List;

/** One command of {@code java -jar imds-guard-agent.jar <command>}. */
public interface Command {

    /** How to call it, one or more lines for the usage text, e.g. {@code check [options] REPORT.json...}. */
    String usage();

    /** Runs it with the arguments after the command's name; answers the process exit code. */
    int run(List<String> args, PrintStream out, PrintStream err);
}
