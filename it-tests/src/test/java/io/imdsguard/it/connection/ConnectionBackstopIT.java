package io.imdsguard.it.connection;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
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
 * The connection decides: a request that reaches IMDS is judged whatever led there. Through
 * HttpURLConnection, OkHttp and Apache HttpClient 4, a URL of an ordinary server that answers
 * {@code 302} into IMDS, and a name that is not the endpoint's but resolves to it
 * ({@code localhost} for an endpoint at {@code 127.0.0.1}), are counted and reported with the
 * application's call site, never rewritten (that is how an SSRF flaw reaches IMDS), and refused under
 * enforce as {@code HttpTokens=required} refuses them.
 */
class ConnectionBackstopIT {

    private static final String APP = IndirectRequestsApp.class.getName();
    private static final String PATH = "/latest/meta-data/instance-id";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";

    static Stream<Arguments> clientsAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (String client : List.of("huc", "okhttp", "apache4")) {
            for (String mode : List.of("report", "rewrite", "enforce")) {
                cases.add(Arguments.of(client, mode));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("clientsAndModes")
    void aRedirectIntoImdsIsJudgedAndNeverRewritten(String client, String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
             CapturingServer redirector = new CapturingServer(
                     request -> CapturingServer.Answer.redirectTo(mock.endpoint() + PATH))) {
            Path report = dir.resolve("report.json");
            JvmResult run = runApp(client, redirector.origin() + "/innocent", mode, mock, report);

            assertIndirectRequestJudged(client, mode, mock, run, report, "redirect");
            assertEquals(1, redirector.received().size(), "the application's request went to its URL first");
        }
    }

    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("clientsAndModes")
    void aNameThatResolvesToTheEndpointIsJudgedAndNeverRewritten(String client, String mode, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            assertTrue(mock.endpoint().startsWith("http://127.0.0.1:"), mock.endpoint());
            Path report = dir.resolve("report.json");
            JvmResult run = runApp(client, "http://localhost:" + mock.port() + PATH, mode, mock, report);

            assertIndirectRequestJudged(client, mode, mock, run, report, "alias");
        }
    }

    private static JvmResult runApp(String client, String url, String mode, MockImds mock, Path report)
            throws Exception {
        JvmResult run = AppJvm.mainClass(IndirectRequestsApp.class, client, url)
                .withAgent("mode=" + mode + ",rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.stdout().contains("done"), run.describe());
        return run;
    }

    /** What the application got, what IMDS received, and what the report says, per mode. */
    private static void assertIndirectRequestJudged(String client, String mode, MockImds mock, JvmResult run,
                                                    Path report, String reason) throws Exception {
        String answer = run.stdoutLines().stream().filter(l -> l.startsWith(client + ": ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
        ImdsStats stats = mock.stats();
        long v1Received = mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count();
        JsonNode json = Reports.read(report);
        assertEquals(1, json.get("totals").get("v1").asLong(), "counted once: " + json.get("totals") + "\n"
                + run.describe());
        JsonNode site = Reports.siteStartingWith(json, APP + ".");
        assertEquals(1, site.get("count").asLong(), site.toString());
        switch (mode) {
            case "report" -> {
                assertEquals(client + ": 200 " + INSTANCE_ID, answer, run.describe());
                assertEquals(1, v1Received, stats.summary());
                assertEquals(1, site.get("actions").get("observed").asLong(), site.toString());
            }
            case "rewrite" -> {
                assertEquals(client + ": 200 " + INSTANCE_ID, answer, "sent as v1, which IMDS with HttpTokens="
                        + "optional serves:\n" + run.describe());
                assertEquals(1, v1Received, "never rewritten: " + stats.summary());
                assertEquals(0, stats.tokensIssued(), "the agent took no token for it: " + stats.summary());
                assertEquals(1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
                assertEquals(reason, site.get("lastReason").asText(), site.toString());
            }
            default -> {
                assertEquals(client + ": 401 -", answer, "refused as HttpTokens=required refuses it:\n"
                        + run.describe());
                assertEquals(0, v1Received, "no v1 request reached IMDS: " + stats.summary());
                assertEquals(1, stats.v2Rejected(), stats.summary());
                assertEquals(1, site.get("actions").get("blocked").asLong(), site.toString());
            }
        }
    }
}
