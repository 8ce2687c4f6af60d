package io.imdsguard.it.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.apache.HttpAsyncClient4App;
import io.imdsguard.it.apps.clients.apache.HttpAsyncClient5MinimalApp;
import io.imdsguard.it.apps.clients.jetty.JettyNewConnectionApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients the agent has no hook for on the path they take, seen only on their connection to IMDS
 * (the NIO connection backstop): Apache HttpAsyncClient 4.1 ({@code createDefault()} and
 * {@code createMinimal()}), which writes on its I/O dispatcher threads, Apache HttpClient 5's
 * {@code HttpAsyncClients.createMinimal()}, which goes around the HttpClient 5 async hook, and Jetty 9.4's
 * {@code Destination.newConnection(...)} with {@code connection.send(request, listener)}, which
 * goes around {@code HttpDestination.send}, where the Jetty hook sits. Each v1 GET is counted once
 * and reported; it is never rewritten (reason {@code connection_only}: a header cannot be added to
 * bytes already in the client's buffers); under enforce the write fails, so the application gets a
 * failed call and IMDS receives nothing.
 */
class ConnectionOnlyClientsIT {

    private static final String PATH = "/latest/meta-data/instance-id";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    private static final String JETTY_APP = JettyNewConnectionApp.class.getName();

    static Stream<Arguments> clientsAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (String client : List.of("default", "minimal", "minimal5", "jetty")) {
            for (String mode : List.of("report", "rewrite", "enforce")) {
                cases.add(Arguments.of(client, mode));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("clientsAndModes")
    void aV1RequestSeenOnlyOnTheConnectionIsCountedOnceAndJudged(String client, String mode, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Path report = dir.resolve("report.json");
            String url = mock.endpoint() + PATH;
            AppJvm app = switch (client) {
                case "jetty" -> AppJvm.mainClassWithLibraries("jetty-9.4", JettyNewConnectionApp.class, url);
                case "minimal5" -> AppJvm.mainClass(HttpAsyncClient5MinimalApp.class, url);
                default -> AppJvm.mainClass(HttpAsyncClient4App.class, client, url);
            };
            JvmResult run = app.withAgent("mode=" + mode + ",rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("done"), run.describe());
            String answer = run.stdoutLines().stream().filter(l -> l.startsWith(client + ": ")).findFirst()
                    .orElseThrow(() -> new AssertionError(run.describe()));

            // Counted once, as one site, by the connection backstop alone.
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(1, totals.get("v1").asLong(), "counted once: " + totals + "\n" + run.describe());
            assertEquals(1, totals.get("v1CallSites").asLong(), totals.toString());
            List<JsonNode> sites = Reports.callSites(json);
            assertEquals(1, sites.size(), sites.toString());
            JsonNode site = sites.get(0);
            assertEquals("nio-channel", site.get("client").asText(), site.toString());
            assertEquals(1, site.get("count").asLong(), site.toString());
            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(1, sights.size(), run.stderr());
            FirstSight sight = sights.get(0);
            assertEquals("GET", sight.method(), sight.toString());
            assertEquals(PATH, sight.path(), sight.toString());
            if (client.equals("jetty")) {
                // connection.send writes on the calling thread: the application's method is the site.
                assertTrue(site.get("site").asText().startsWith(JETTY_APP + ".v1ReadOnOwnConnection("),
                        site.toString());
                assertEquals("main", sight.thread(), sight.toString());
            } else if (client.equals("minimal5")) {
                assertTrue(sight.thread().startsWith("httpclient-dispatch"), sight.toString());
                assertTrue(sight.frames().stream().anyMatch(f -> f.startsWith(
                        "org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient")), sight.toString());
            } else {
                // HttpAsyncClient writes on its I/O dispatcher thread, where no application frame is:
                // the report shows that thread and the library's frames that wrote the request.
                assertTrue(sight.thread().startsWith("I/O dispatcher"), sight.toString());
                assertTrue(sight.frames().stream().anyMatch(f -> f.startsWith("org.apache.http.impl.nio.")),
                        sight.toString());
            }
            assertTrue(run.agent().linesContaining("to rewrite.callers").isEmpty(), "no scope can make the agent"
                    + " rewrite a request it sees only on the connection; the log must not suggest one:\n"
                    + run.stderr());

            ImdsStats stats = mock.stats();
            long v1Received = mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count();
            switch (mode) {
                case "report" -> {
                    assertEquals(client + ": 200 " + INSTANCE_ID, answer, run.describe());
                    assertEquals(1, v1Received, stats.summary());
                    assertEquals(1, site.get("actions").get("observed").asLong(), site.toString());
                }
                case "rewrite" -> {
                    assertEquals(client + ": 200 " + INSTANCE_ID, answer, "sent as v1, which IMDS with"
                            + " HttpTokens=optional serves:\n" + run.describe());
                    assertEquals(1, v1Received, "never rewritten: " + stats.summary());
                    assertEquals(0, stats.tokensIssued(), "the agent took no token for it: " + stats.summary());
                    assertEquals(1, totals.get("rewriteDenied").asLong(), totals.toString());
                    assertEquals(1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
                    assertEquals("connection_only", site.get("lastReason").asText(), site.toString());
                }
                default -> {
                    if (client.equals("minimal")) {
                        // HttpAsyncClient 4.1.5's minimal client never fails its future when the connection
                        // fails (MinimalClientExchangeHandlerImpl.executionFailed leaves it open): the
                        // application's own time limit ends the call, as it would on a connection reset.
                        assertEquals("minimal: FAILED java.util.concurrent.TimeoutException", answer, run.describe());
                    }
                    assertTrue(answer.startsWith(client + ": FAILED "), "the write to IMDS is refused:\n"
                            + run.describe());
                    assertEquals(0, stats.total(), "nothing reached IMDS: " + stats.summary());
                    assertEquals(1, totals.get("blocked").asLong(), totals.toString());
                    assertEquals(1, site.get("actions").get("blocked").asLong(), site.toString());
                }
            }
        }
    }
}
