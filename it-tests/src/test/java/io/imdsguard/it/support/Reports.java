package io.imdsguard.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the agent's JSON report as any consumer would: as JSON, not as text. */
public final class Reports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {}

    public static JsonNode read(Path report) throws IOException {
        return JSON.readTree(report.toFile());
    }

    public static List<JsonNode> callSites(JsonNode report) {
        List<JsonNode> sites = new ArrayList<>();
        report.get("callSites").forEach(sites::add);
        return sites;
    }

    /** The call site whose first application frame starts with {@code prefix}. */
    public static JsonNode siteStartingWith(JsonNode report, String prefix) {
        return callSites(report).stream()
                .filter(s -> s.get("site").asText().startsWith(prefix))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no call site starting with " + prefix + " in " + report));
    }
}
