package io.imdsguard.it.support;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What a finished JVM left behind: exit code and both output streams. */
public record JvmResult(int exitCode, String stdout, String stderr) {

    /** The JVM's own note when an agent appends to the boot class path; not the application's output. */
    static final String CDS_WARNING = "Sharing is only supported for boot loader classes because bootstrap classpath"
            + " has been appended";

    /** The agent's lines, prefix removed. */
    public List<String> agentLines() {
        return lines(stderr).stream().filter(l -> l.startsWith(AgentOutput.PREFIX))
                .map(l -> l.substring(AgentOutput.PREFIX.length())).collect(Collectors.toList());
    }

    public AgentOutput agent() {
        return new AgentOutput(agentLines());
    }

    /** Standard error as the application wrote it: without the agent's lines and the JVM's CDS note. */
    public String applicationStderr() {
        return lines(stderr).stream().filter(l -> !l.startsWith(AgentOutput.PREFIX))
                .filter(l -> !l.contains(CDS_WARNING)).collect(Collectors.joining("\n"));
    }

    public List<String> stdoutLines() {
        return lines(stdout);
    }

    static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\r?\n"));
    }

    public String describe() {
        return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
