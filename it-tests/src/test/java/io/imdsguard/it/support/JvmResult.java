package io.imdsguard.it.support;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What a finished JVM left behind: exit code and both output streams. */
public record JvmResult(int exitCode, String stdout, String stderr) {

    /** The agent's lines, prefix removed. */
    public List<String> agentLines() {
        return lines(stderr).stream()
                .filter(l -> l.startsWith(AgentOutput.PREFIX))
                .map(l -> l.substring(AgentOutput.PREFIX.length()))
                .collect(Collectors.toList());
    }

    public AgentOutput agent() {
        return new AgentOutput(agentLines());
    }

    /** Standard error without the agent's lines: what the application (and the JVM) wrote. */
    public String applicationStderr() {
        return lines(stderr).stream()
                .filter(l -> !l.startsWith(AgentOutput.PREFIX))
                .collect(Collectors.joining("\n"));
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
