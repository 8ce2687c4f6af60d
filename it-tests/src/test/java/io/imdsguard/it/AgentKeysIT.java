package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.EndpointArgumentApp;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.Await;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent keys that change what a user sees, each shown working end to end: endpoint,
 * prometheus.host, debug.
 */
class AgentKeysIT {

    private static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    /**
     * A service that reads IMDS at an address of its own configuration: without the key the agent
     * cannot know it is IMDS; with {@code endpoint=} it sees and rewrites those calls.
     */
    @Test
    void theEndpointKeyMakesAnAddressNoSdkVariableNamesIntoImds(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path unknownReport = dir.resolve("without-key.json");
            JvmResult without =
                    AppJvm.mainClass(EndpointArgumentApp.class, mock.endpoint(), "2")
                            .withAgent(
                                    "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report="
                                            + unknownReport)
                            .withoutEnv(ENDPOINT_VARIABLE)
                            .run();
            assertEquals(0, without.exitCode(), without.describe());
            assertEquals(
                    2,
                    without.stdoutLines().stream().filter(l -> l.startsWith("v1: 401 ")).count(),
                    "without the key the agent does not know this address: " + without.describe());
            assertEquals(0, Reports.read(unknownReport).get("totals").get("v1").asLong());
            mock.resetStats();
            int before = mock.requests().size();

            Path report = dir.resolve("with-key.json");
            JvmResult with =
                    AppJvm.mainClass(EndpointArgumentApp.class, mock.endpoint(), "2")
                            .withAgent(
                                    "endpoint="
                                            + mock.endpoint()
                                            + ",mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,"
                                            + "report="
                                            + report)
                            .withoutEnv(ENDPOINT_VARIABLE)
                            .run();
            assertEquals(0, with.exitCode(), with.describe());
            assertEquals(
                    List.of("v1: 200 i-0123456789abcdef0", "v1: 200 i-0123456789abcdef0"),
                    with.stdoutLines().stream().filter(l -> l.startsWith("v1: ")).toList(),
                    with.describe());
            List<ReceivedRequest> received =
                    mock.requests().subList(before, mock.requests().size());
            assertTrue(
                    received.stream().noneMatch(r -> r.kind() == ReceivedRequest.Kind.V1),
                    "no v1 request reached IMDS: " + received);
            assertEquals(
                    3,
                    received.stream()
                            .filter(r -> r.kind() == ReceivedRequest.Kind.V2 && r.status() == 200)
                            .count(),
                    "both rewritten reads and the application's own v2 read: " + received);
            JsonNode totals = Reports.read(report).get("totals");
            assertEquals(2, totals.get("v1").asLong(), totals.toString());
            assertEquals(2, totals.get("rewritten").asLong(), totals.toString());
            assertEquals(1, with.agent().firstSights().size(), with.stderr());
        }
    }

    /**
     * {@code prometheus.host} is the address the endpoint binds to: there it answers, on 127.0.0.1
     * nothing does.
     */
    @Test
    void thePrometheusEndpointListensOnTheConfiguredHostOnly() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            int port = FreePort.find();
            // 127.0.0.2 is loopback too on Linux (127.0.0.0/8), and a different address from
            // 127.0.0.1.
            String url = "http://127.0.0.2:" + port + "/metrics";
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent("prometheus.host=127.0.0.2,prometheus.port=" + port)
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            app.awaitStdout("done");
            Await.until(
                    "the agent's Prometheus line",
                    () -> app.stderr().contains("Prometheus metrics at " + url),
                    app::stderr);

            PrometheusText scrape = PrometheusText.scrape(url);
            double v1 =
                    scrape.samples("imds_requests_total").entrySet().stream()
                            .filter(e -> e.getKey().endsWith("version=v1"))
                            .mapToDouble(java.util.Map.Entry::getValue)
                            .sum();
            assertEquals(4.0, v1, scrape.text());
            IOException refused =
                    assertThrows(
                            IOException.class,
                            () -> PrometheusText.scrape("http://127.0.0.1:" + port + "/metrics"),
                            "nothing listens on 127.0.0.1:" + port);
            assertTrue(
                    refused instanceof ConnectException
                            || String.valueOf(refused.getMessage()).contains("refused"),
                    refused.toString());
            app.sendLine("");
            assertEquals(0, app.finish().exitCode());
        }
    }

    /**
     * {@code debug=true} adds the instrumentation and token lines, and, like every other line,
     * never a token value: every token the mock issued (the application's and the agent's) is
     * looked for in standard output, standard error and the report.
     */
    @Test
    void debugLogsWhatWasInstrumentedAndTheTokenFetchButNoTokenValue(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(JdkClientsApp.class, "2")
                            .withAgent(
                                    "debug=true,mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertFalse(
                    run.stdout().contains("FAILED") || run.stdout().contains(": 401"),
                    run.stdout());

            List<String> debug = run.agent().linesContaining("debug: ");
            assertTrue(
                    debug.stream().anyMatch(l -> l.contains("debug: instrumented ")), run.stderr());
            assertTrue(
                    debug.stream()
                            .anyMatch(l -> l.contains("debug: fetched an IMDSv2 token from ")),
                    run.stderr());

            assertEquals(
                    2,
                    mock.issuedTokens().size(),
                    "the application's token and the agent's: " + mock.stats());
            String reportText = Files.readString(report);
            for (String token : mock.issuedTokens()) {
                assertFalse(
                        run.stdout().contains(token), "a token value leaked into standard output");
                assertFalse(
                        run.stderr().contains(token),
                        "a token value leaked into standard error (debug log)");
                assertFalse(reportText.contains(token), "a token value leaked into the report");
            }

            JvmResult quiet =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .withAgent("mode=report")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .run();
            assertEquals(
                    List.of(),
                    quiet.agent().linesContaining("debug: "),
                    "no debug lines by default");
        }
    }
}
