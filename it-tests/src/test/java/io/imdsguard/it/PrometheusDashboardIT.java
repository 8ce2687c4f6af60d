package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imdsguard.it.apps.fleet.FleetServiceApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.PrometheusServer;
import io.imdsguard.it.support.RequiredTool;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard and Prometheus alert rules, proven on a real Prometheus: a small
 * fleet of JVMs with the agent (one rewriting, one enforcing, one whose IMDS drops token requests)
 * is scraped, and every panel query and every alert expression is run through Prometheus's HTTP
 * API, as Grafana and Prometheus's rule evaluator would run them. A panel whose query returns
 * nothing fails the test, and so does a panel this test has no expectation for.
 */
class PrometheusDashboardIT {

    private static final Path OBSERVABILITY =
            Path.of(System.getProperty("imds.guard.it.observability", "../observability"));
    private static final String FLEET = "io.imdsguard.it.apps.fleet.";
    private static final String INVENTORY_SITE = FLEET + "InventorySync.fetchInstanceId";
    private static final String EXPORT_SITE = FLEET + "ReportExporter.fetchRegion";

    /** What each panel must show for this fleet: label sets that must be among its series. */
    private static final Map<String, List<Map<String, String>>> PANEL_EXPECTATIONS =
            new LinkedHashMap<>();

    static {
        expect("Services still calling IMDSv1", Map.of());
        expect(
                "Distinct v1 call sites by service",
                Map.of("service", "billing"),
                Map.of("service", "inventory"),
                Map.of("service", "reports"));
        expect(
                "IMDSv1 calls per second by service",
                Map.of("service", "billing"),
                Map.of("service", "inventory"),
                Map.of("service", "reports"));
        expect(
                "v1 calls by action",
                Map.of("service", "billing", "action", "rewritten"),
                Map.of("service", "billing", "action", "rewrite_denied"),
                Map.of("service", "inventory", "action", "blocked"),
                Map.of("service", "reports", "action", "rewrite_failed"));
        expect(
                "Top v1 call sites",
                Map.of("service", "billing", "site", INVENTORY_SITE),
                Map.of("service", "billing", "site", EXPORT_SITE),
                Map.of("service", "inventory", "site", INVENTORY_SITE),
                Map.of("service", "reports", "site", INVENTORY_SITE));
        expect("Token fetch failures (rewrite mode)", Map.of("service", "reports"));
        expect("Token time per rewritten call", Map.of("service", "billing"));
        expect(
                "Migration traps (diagnoses)",
                Map.of(
                        "service",
                        "reports",
                        "diagnosis",
                        "hop_limit",
                        "site",
                        FLEET + "LegacySdkFetcher.fetchAvailabilityZone"));
    }

    @SafeVarargs
    private static void expect(String panel, Map<String, String>... series) {
        PANEL_EXPECTATIONS.put(panel, List.of(series));
    }

    @Test
    void everyPanelAndAlertAnswersForAFleetScrapedByARealPrometheus(@TempDir Path work)
            throws Exception {
        var binary = PrometheusServer.binary();
        RequiredTool.require(
                binary.isPresent(),
                "no prometheus binary (Debian package 'prometheus'; .ci/run installs" + " it)");
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(OBSERVABILITY.resolve("grafana-dashboard.json").toFile());

        try (MockImds healthy = MockImds.builder().start();
                MockImds noTokens = MockImds.builder().start()) {
            // The hop-limit case: token PUTs never get an answer.
            noTokens.setBlackHoleTokenRequests(true);
            List<AppJvm.Running> fleet = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            try {
                fleet.add(
                        service(
                                healthy,
                                targets,
                                "billing",
                                "inventory,export,v2",
                                "mode=rewrite,rewrite.callers=" + FLEET + "InventorySync"));
                fleet.add(service(healthy, targets, "inventory", "inventory", "mode=enforce"));
                fleet.add(
                        service(
                                noTokens,
                                targets,
                                "reports",
                                "inventory,legacy-sdk",
                                "mode=rewrite,rewrite.callers="
                                        + FLEET
                                        + ",token.connect.timeout=200ms,"
                                        + "token.read.timeout=200ms"));
                for (AppJvm.Running jvm : fleet) {
                    jvm.awaitStdout("tick 2");
                }
                try (PrometheusServer prometheus =
                        PrometheusServer.start(
                                binary.get(),
                                work.resolve("prometheus"),
                                targets,
                                List.of(OBSERVABILITY.resolve("prometheus-alerts.yml")))) {
                    Map<String, String> panelQueries = panelQueries(dashboard);
                    assertEquals(
                            PANEL_EXPECTATIONS.keySet(),
                            panelQueries.keySet(),
                            "every dashboard panel needs an expectation here, and every expectation a panel");
                    Map<String, JsonNode> answers = awaitAnswers(prometheus, panelQueries);

                    for (Map.Entry<String, JsonNode> answer : answers.entrySet()) {
                        List<Map<String, String>> series = labelSets(answer.getValue());
                        for (Map<String, String> wanted : PANEL_EXPECTATIONS.get(answer.getKey())) {
                            assertTrue(
                                    series.stream()
                                            .anyMatch(
                                                    s ->
                                                            s.entrySet()
                                                                    .containsAll(
                                                                            wanted.entrySet())),
                                    "panel '"
                                            + answer.getKey()
                                            + "' lacks a series with "
                                            + wanted
                                            + "; it has "
                                            + series);
                        }
                    }
                    assertEquals(
                            3.0,
                            answers.get("Services still calling IMDSv1")
                                    .get(0)
                                    .get("value")
                                    .get(1)
                                    .asDouble(),
                            "three services still call v1");
                    JsonNode sites = answers.get("Distinct v1 call sites by service");
                    assertEquals(2.0, valueFor(sites, "billing"), "billing has two v1 call sites");

                    assertAlertRules(prometheus);
                }
            } finally {
                for (AppJvm.Running jvm : fleet) {
                    jvm.finish();
                }
            }
        }
    }

    private static AppJvm.Running service(
            MockImds imds, List<String> targets, String name, String callers, String agentArguments)
            throws Exception {
        int port = FreePort.find();
        targets.add("127.0.0.1:" + port);
        AppJvm.Running jvm =
                AppJvm.mainClass(FleetServiceApp.class, callers)
                        .withAgent(
                                agentArguments
                                        + ",service.name="
                                        + name
                                        + ",prometheus.port="
                                        + port)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())
                        .start();
        return jvm;
    }

    /**
     * Each panel's query, with Grafana's variables as a user viewing all services would have them.
     */
    private static Map<String, String> panelQueries(JsonNode dashboard) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            JsonNode targets = panel.get("targets");
            assertEquals(1, targets.size(), "one query per panel: " + panel.get("title"));
            queries.put(
                    panel.get("title").asText(),
                    targets.get(0)
                            .get("expr")
                            .asText()
                            .replace("$__rate_interval", "20s")
                            .replace("$__range", "10m")
                            .replace("$service", ".*"));
        }
        return queries;
    }

    /**
     * Prometheus needs a few scrapes before rates have two points: wait until every panel answers.
     */
    private static Map<String, JsonNode> awaitAnswers(
            PrometheusServer prometheus, Map<String, String> queries) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        Map<String, JsonNode> answers = new HashMap<>();
        while (true) {
            answers.clear();
            Set<String> empty = new TreeSet<>();
            for (Map.Entry<String, String> query : queries.entrySet()) {
                JsonNode result = prometheus.query(query.getValue());
                answers.put(query.getKey(), result);
                if (result.isEmpty() || !expectationsMet(query.getKey(), result)) {
                    empty.add(query.getKey() + ": " + query.getValue() + " -> " + result);
                }
            }
            if (empty.isEmpty()) {
                return answers;
            }
            if (System.nanoTime() > deadline) {
                fail(
                        "panels without the expected answer after 90 s:\n"
                                + String.join("\n", empty)
                                + "\nPrometheus targets: "
                                + prometheus
                                        .api("/api/v1/targets")
                                        .get("data")
                                        .get("activeTargets"));
            }
            Thread.sleep(1000);
        }
    }

    private static boolean expectationsMet(String panel, JsonNode result) {
        List<Map<String, String>> series = labelSets(result);
        return PANEL_EXPECTATIONS.getOrDefault(panel, List.of()).stream()
                .allMatch(
                        wanted ->
                                series.stream()
                                        .anyMatch(
                                                s -> s.entrySet().containsAll(wanted.entrySet())));
    }

    private static void assertAlertRules(PrometheusServer prometheus) throws Exception {
        JsonNode groups = prometheus.api("/api/v1/rules").get("data").get("groups");
        Map<String, Set<String>> expectedServices =
                Map.of(
                        "ImdsV1CallsStillMade", Set.of("billing", "inventory", "reports"),
                        "ImdsV1CallsBlocked", Set.of("inventory"),
                        "ImdsTokenFetchFailing", Set.of("reports"));
        Set<String> seen = new TreeSet<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                String name = rule.get("name").asText();
                seen.add(name);
                assertEquals(
                        "ok",
                        rule.get("health").asText(),
                        name + ": " + rule.path("lastError").asText());
                awaitServices(
                        prometheus, name, rule.get("query").asText(), expectedServices.get(name));
            }
        }
        assertEquals(expectedServices.keySet(), seen, "the alert rules Prometheus loaded");
        // With 'for: 0m' the blocked-calls alert fires at its first evaluation.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonNode alerts = prometheus.api("/api/v1/alerts").get("data").get("alerts");
            boolean firing = false;
            for (JsonNode alert : alerts) {
                firing |=
                        alert.get("labels").get("alertname").asText().equals("ImdsV1CallsBlocked")
                                && alert.get("labels").get("service").asText().equals("inventory")
                                && alert.get("state").asText().equals("firing");
            }
            if (firing) {
                return;
            }
            assertFalse(System.nanoTime() > deadline, "ImdsV1CallsBlocked never fired: " + alerts);
            Thread.sleep(500);
        }
    }

    /**
     * An {@code increase()} needs two samples that differ: the token failures come 5 s, then 10 s
     * apart (the agent's back-off), so the rule may need a while to see its second one.
     */
    private static void awaitServices(
            PrometheusServer prometheus, String rule, String query, Set<String> expected)
            throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Set<String> services = new TreeSet<>();
            labelSets(prometheus.query(query)).forEach(s -> services.add(s.get("service")));
            if (services.equals(expected) || System.nanoTime() > deadline) {
                assertEquals(expected, services, "services for which " + rule + " fires: " + query);
                return;
            }
            Thread.sleep(1000);
        }
    }

    private static List<Map<String, String>> labelSets(JsonNode result) {
        List<Map<String, String>> sets = new ArrayList<>();
        for (JsonNode series : result) {
            Map<String, String> labels = new HashMap<>();
            series.get("metric")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            sets.add(labels);
        }
        return sets;
    }

    private static double valueFor(JsonNode result, String service) {
        for (JsonNode series : result) {
            if (service.equals(series.get("metric").path("service").asText())) {
                return series.get("value").get(1).asDouble();
            }
        }
        throw new AssertionError("no series for service " + service + " in " + result);
    }
}
