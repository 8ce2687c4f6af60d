package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AgentVersion;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PlainHttpServer;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's own clients, each v1 call site reported once with its count and the application's
 * frame.
 */
class JdkClientsDetectionIT {

    private static final int REPS = 3;
    private static final String APP = JdkClientsApp.class.getName() + ".";
    private static final List<String> V1_METHODS =
            List.of(
                    "v1ViaHttpUrlConnection",
                    "v1ViaOpenStream",
                    "v1ViaHttpClientSend",
                    "v1ViaHttpClientSendAsync");

    private MockImds mock;
    private PlainHttpServer plain;

    @BeforeEach
    void start() throws Exception {
        mock = MockImds.builder().start();
        plain = new PlainHttpServer();
    }

    @AfterEach
    void stop() {
        mock.close();
        plain.close();
    }

    @Test
    void everyV1CallSiteIsReportedOnceWithItsCountAndTheApplicationFrame(@TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, String.valueOf(REPS), plain.url())
                        .withAgent("report=" + report + ",service.name=jdk-clients")
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());

        List<FirstSight> sights = run.agent().firstSights();
        Map<String, List<FirstSight>> bySite =
                sights.stream()
                        .collect(
                                Collectors.groupingBy(
                                        s -> s.site().substring(0, s.site().indexOf('('))));
        for (String method : V1_METHODS) {
            List<FirstSight> forMethod = bySite.get(APP + method);
            assertTrue(
                    forMethod != null && forMethod.size() == 1,
                    method + " must be reported exactly once:\n" + run.stderr());
            FirstSight sight = forMethod.get(0);
            assertTrue(
                    sight.frames().get(0).startsWith(APP + method + "("),
                    "the trace starts at the application's frame: " + sight.frames());
            assertTrue(
                    sight.frames().stream().anyMatch(f -> f.startsWith(APP + "main(")),
                    sight.frames().toString());
            assertFalse(
                    sight.frames().stream()
                            .anyMatch(
                                    f ->
                                            f.startsWith("io.imdsguard.agent.")
                                                    || f.startsWith("sun.net.")
                                                    || f.startsWith("jdk.internal.net.http.")),
                    sight.frames().toString());
            assertEquals("main", sight.thread(), "the caller's thread, even for sendAsync");
        }
        assertEquals(
                V1_METHODS.size(),
                sights.size(),
                "only the v1 sites are reported:\n" + run.stderr());

        JsonNode json = Reports.read(report);
        assertEquals("imds-guard-report", json.get("schema").asText());
        assertEquals(1, json.get("schemaVersion").asInt());
        assertEquals("jdk-clients", json.get("service").asText());
        assertEquals("report", json.get("mode").asText());
        assertEquals(
                AgentVersion.built(),
                json.get("agentVersion").asText(),
                "the built version, not 'dev'");
        assertTrue(json.get("pid").asLong() > 0);
        assertTrue(
                json.get("jvm").asText().contains(String.valueOf(AppJava.feature())),
                json.get("jvm").asText());
        assertEquals(4 * REPS, json.get("totals").get("v1").asLong());
        assertEquals(2 * REPS, json.get("totals").get("v2").asLong());
        assertEquals(1, json.get("totals").get("token").asLong());
        assertEquals(4, json.get("totals").get("v1CallSites").asLong());
        assertEquals(4, Reports.callSites(json).size());

        assertSite(
                json,
                "v1ViaHttpUrlConnection",
                "HttpURLConnection",
                "meta-data",
                "/latest/meta-data/instance-id");
        assertSite(
                json,
                "v1ViaOpenStream",
                "HttpURLConnection",
                "meta-data",
                "/latest/meta-data/placement/region");
        assertSite(
                json,
                "v1ViaHttpClientSend",
                "java.net.http.HttpClient",
                "credentials",
                "/latest/meta-data/iam/security-credentials/");
        assertSite(
                json,
                "v1ViaHttpClientSendAsync",
                "java.net.http.HttpClient",
                "identity",
                "/latest/dynamic/instance-identity/document");

        // What the agent counted is what reached IMDS.
        ImdsStats stats = mock.stats();
        assertEquals(4 * REPS, stats.v1Served());
        assertEquals(2 * REPS, stats.v2Served());
        assertEquals(1, stats.tokensIssued());
        assertTrue(
                run.stderr()
                        .contains(
                                "summary: 4 IMDSv1 call site(s), "
                                        + 4 * REPS
                                        + " v1 call(s), "
                                        + 2 * REPS
                                        + " v2 call(s), 1 token request(s)"),
                run.stderr());
        for (String token : mock.issuedTokens()) {
            assertFalse(
                    run.stdout().contains(token)
                            || run.stderr().contains(token)
                            || json.toString().contains(token),
                    "a token value leaked");
        }
    }

    @Test
    void theReportIsRewrittenWhileTheJvmRunsNotOnlyAtExit(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("live.json");
        AppJvm.Running app =
                AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                        .withAgent("report=" + report + ",report.interval=1")
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .start();
        app.awaitStdout("done");
        long deadline = System.nanoTime() + 20_000_000_000L;
        JsonNode live = null;
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(report)) {
                live = Reports.read(report);
                if (live.get("totals").get("v1").asLong() == 4) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(
                live != null && live.get("totals").get("v1").asLong() == 4,
                "the running JVM's report shows its calls: " + live);
        assertEquals(4, Reports.callSites(live).size());
        app.sendLine("");
        assertEquals(0, app.finish().exitCode());
    }

    private static void assertSite(
            JsonNode json, String method, String client, String category, String path) {
        JsonNode site = Reports.siteStartingWith(json, APP + method + "(");
        assertEquals(client, site.get("client").asText());
        assertEquals("GET", site.get("method").asText());
        assertEquals(category, site.get("pathCategory").asText());
        assertEquals(path, site.get("examplePath").asText());
        assertEquals(REPS, site.get("count").asLong());
        assertEquals("main", site.get("thread").asText());
        assertTrue(site.get("id").asText().matches("[0-9a-f]{8}"));
        assertTrue(site.get("firstSeen").asText().compareTo(site.get("lastSeen").asText()) <= 0);
        assertTrue(
                site.get("stack").get(0).asText().startsWith(APP + method + "("), site.toString());
    }
}
