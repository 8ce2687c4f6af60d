package io.imdsguard.it.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.socket.RawSocketApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written HTTP over java.net.Socket: seen at the socket level, in every mode. */
class SocketCatchAllIT {

    private static final int REPS = 2;

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}")
    @MethodSource("io.imdsguard.it.support.ModeMatrix#cases")
    void aRawSocketRequestIsDetectedAndHandledPerMode(String mode, HttpTokens tokens, String expectedStatus,
                                                      String action, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = AppJvm.mainClass(RawSocketApp.class, String.valueOf(REPS))
                    .withAgent("mode=" + mode + ",rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
            assertEquals(0, run.exitCode(), run.describe());

            List<String> v1 = run.stdoutLines().stream().filter(l -> l.startsWith("raw v1: ")).toList();
            assertEquals(REPS, v1.size(), run.stdout());
            assertTrue(v1.stream().allMatch(l -> l.startsWith("raw v1: " + expectedStatus)), run.stdout());
            assertTrue(run.stdout().contains("raw v2: 200 ami-0abcdef1234567890"), "v2 untouched: " + run.stdout());

            List<FirstSight> sockets = run.agent().firstSights().stream().filter(s -> s.client().equals("socket"))
                    .toList();
            assertEquals(1, sockets.size(), "one raw v1 site, the v2 exchange is not v1:\n" + run.stderr());
            FirstSight site = sockets.get(0);
            assertTrue(site.site().startsWith(RawSocketApp.class.getName() + ".exchange("), site.toString());
            assertTrue(site.frames().stream().anyMatch(f -> f.startsWith(RawSocketApp.class.getName() + ".v1Read(")),
                    site.frames().toString());
            assertEquals(action, site.action());
            for (String client : List.of("HttpURLConnection", "apache-httpclient-4", "apache-httpclient-5", "okhttp")) {
                assertEquals(1, run.agent().firstSights().stream().filter(s -> s.client().equals(client)).count(),
                        client + " is reported by its own instrumentation, once:\n" + run.stderr());
            }
            assertTrue(run.stdout().contains("raw v1 after the clients: " + expectedStatus), run.stdout());

            JsonNode json = Reports.read(report);
            JsonNode socketSite = Reports.callSites(json).stream()
                    .filter(s -> s.get("client").asText().equals("socket")).findFirst().orElseThrow();
            // The last raw read too: the clients' calls on this thread were counted out again.
            assertEquals(REPS + 1, socketSite.get("count").asLong());
            assertEquals(REPS + 1, socketSite.get("actions").get(action).asLong());
            if (!mode.equals("report")) {
                long v1Received = mock.requests().stream()
                        .filter(r -> r.kind() == ReceivedRequest.Kind.V1 && r.path().endsWith("instance-id")).count();
                assertEquals(0, v1Received, "the raw v1 requests reached IMDS carrying a token");
            }
            for (String token : mock.issuedTokens()) {
                assertFalse(run.stdout().contains(token), "no leak");
                assertFalse(run.stderr().contains(token) || Files.readString(report).contains(token), "no leak");
            }
        }
    }
}
