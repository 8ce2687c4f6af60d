package io.imdsguard.it.clients.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.util.List;

/**
 * One finished run of a variant's app under the agent: what the app printed, the agent's log, the
 * report and what the mock IMDS received; for a variant's own checks.
 */
public record Outcome(
        Variant variant,
        String mode,
        HttpTokens tokens,
        MockImds mock,
        JvmResult jvm,
        JsonNode report,
        String reportText) {

    /** What the app printed after {@code "<label>: "}, in order. */
    public List<String> results(String label) {
        return jvm.stdoutLines().stream()
                .filter(l -> l.startsWith(label + ": "))
                .map(l -> l.substring(label.length() + 2))
                .toList();
    }

    /** Whether a request of {@code kind} gets IMDS's answer in this run. */
    public boolean works(Call.Kind kind) {
        return Matrix.works(kind, mode, tokens);
    }

    /** The action the agent reports for a v1 request of {@code kind} in this run. */
    public String action(Call.Kind kind) {
        return Matrix.action(kind, mode);
    }

    /** The agent's first-sight blocks for one client name. */
    public List<FirstSight> sights(String client) {
        return jvm.agent().firstSights().stream().filter(s -> s.client().equals(client)).toList();
    }

    public long received(ReceivedRequest.Kind kind) {
        return mock.requests().stream().filter(r -> r.kind() == kind).count();
    }
}
