package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.relay.RelayHeadersApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request relayed for someone else, whichever relay header says so and in whatever letter case,
 * is never given the agent's token; under enforce it gets 401 as with HttpTokens=required.
 */
class RelayHeadersIT {

    /** Each relay header in its usual spelling and in another letter case. */
    private static final String[] HEADERS = {
        "Forwarded=for=192.0.2.60", "forwarded=for=192.0.2.60",
        "X-Forwarded-For=192.0.2.60", "x-forwarded-for=192.0.2.60",
        "X-Forwarded-Host=example.com", "X-FORWARDED-HOST=example.com",
        "X-Real-IP=192.0.2.60", "x-real-ip=192.0.2.60",
        "Via=1.1 gateway", "VIA=1.1 gateway",
    };

    @ParameterizedTest
    @ValueSource(strings = {"huc", "okhttp"})
    void aRelayedRequestFromATrustedCallerIsNeverRewritten(String client, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    relay(
                            client,
                            mock,
                            "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report=" + report);

            assertStatuses(run, 200);
            assertReceivedAsSent(mock, ReceivedRequest.Kind.V1, 200);
            assertEquals(
                    0,
                    mock.stats().tokensIssued(),
                    "no token was even fetched for them: " + mock.stats());
            JsonNode json = Reports.read(report);
            assertEquals(
                    HEADERS.length,
                    json.get("totals").get("rewriteDenied").asLong(),
                    json.toString());
            assertEquals(0, json.get("totals").get("rewritten").asLong(), json.toString());
            for (JsonNode site : Reports.callSites(json)) {
                assertEquals("relayed", site.get("lastReason").asText(), site.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"huc", "okhttp"})
    void aRelayedRequestGets401UnderEnforce(String client, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = relay(client, mock, "mode=enforce,report=" + report);

            assertStatuses(run, 401);
            // The agent's invalid token is what IMDS refuses; the relay header goes on as the
            // application set it.
            assertReceivedAsSent(mock, ReceivedRequest.Kind.V2, 401);
            assertEquals(
                    HEADERS.length, Reports.read(report).get("totals").get("blocked").asLong());
        }
    }

    private static JvmResult relay(String client, MockImds mock, String agentArguments)
            throws Exception {
        List<String> args = new ArrayList<>();
        args.add(client);
        args.addAll(List.of(HEADERS));
        JvmResult run =
                AppJvm.mainClass(RelayHeadersApp.class, args.toArray(new String[0]))
                        .systemProperty("sun.net.http.allowRestrictedHeaders", "true")
                        .withAgent(agentArguments)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        return run;
    }

    private static void assertStatuses(JvmResult run, int status) {
        List<String> expected = new ArrayList<>();
        for (String header : HEADERS) {
            expected.add(header.substring(0, header.indexOf('=')) + ": " + status);
        }
        expected.add("done");
        assertEquals(expected, run.stdoutLines(), run.describe());
    }

    /**
     * Each request reached IMDS once, carrying exactly its relay header, as {@code kind}, answered
     * {@code status}.
     */
    private static void assertReceivedAsSent(MockImds mock, ReceivedRequest.Kind kind, int status) {
        List<ReceivedRequest> received = mock.requests();
        assertEquals(HEADERS.length, received.size(), received.toString());
        for (int i = 0; i < HEADERS.length; i++) {
            ReceivedRequest r = received.get(i);
            String header =
                    HEADERS[i].substring(0, HEADERS[i].indexOf('=')).toLowerCase(Locale.ROOT);
            assertEquals(List.of(header), r.relayHeaders(), r.toString());
            assertEquals(kind, r.kind(), r.toString());
            assertEquals(status, r.status(), r.toString());
        }
        assertTrue(
                received.stream().allMatch(r -> r.path().equals("/latest/meta-data/instance-id")),
                received.toString());
    }
}
