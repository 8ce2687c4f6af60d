package io.imdsguard.it.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.okhttp.OkHttpApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.ModeMatrix;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OkHttp 3.14 and 4.12, and Retrofit 2.9 on top of each: the same application, compiled once, run
 * against both versions, in every mode against an IMDS with HttpTokens optional and required.
 */
class OkHttpIT {

    private static final int REPS = 2;
    private static final String APP = OkHttpApp.class.getName();
    private static final List<String> V1_OUTPUTS =
            List.of("okhttp sync v1: ", "okhttp async v1: ", "retrofit sync v1: ", "retrofit async v1: ");
    /** The application's methods that make the v1 calls: each one is a call site of its own. */
    private static final Set<String> V1_SITES = new TreeSet<>(List.of(APP + ".syncV1Read(", APP + ".asyncV1Read(",
            APP + ".retrofitV1Read(", APP + ".retrofitAsyncV1Read("));
    private static final String AMI = "ami-0abcdef1234567890";

    static Stream<Arguments> matrix() {
        return ModeMatrix.forEach("okhttp-3.14", "okhttp-4.12");
    }

    @ParameterizedTest(name = "{0}: mode={1}, HttpTokens={2}")
    @MethodSource("matrix")
    void syncAsyncAndRetrofitCallsAreHandledPerMode(String libraries, String mode, HttpTokens httpTokens,
                                                    String expectedStatus, String action, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(httpTokens).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = AppJvm.mainClassWithLibraries(libraries, OkHttpApp.class, String.valueOf(REPS))
                    .withAgent("mode=" + mode + ",rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdout().contains("done"), run.describe());

            // What the application saw.
            for (String output : V1_OUTPUTS) {
                List<String> lines = run.stdoutLines().stream().filter(l -> l.startsWith(output)).toList();
                assertEquals(REPS, lines.size(), output + " in:\n" + run.stdout());
                assertTrue(lines.stream().allMatch(l -> l.startsWith(output + expectedStatus + " ")), run.stdout());
            }
            assertTrue(run.stdoutLines().stream().filter(l -> l.startsWith("okhttp async v1: "))
                    .allMatch(l -> l.endsWith(" on OkHttp")), "async answers arrive on OkHttp's threads:\n"
                    + run.stdout());
            assertEquals(REPS, run.stdoutLines().stream().filter(("okhttp v2: 200 " + AMI)::equals).count(),
                    "native v2 works untouched:\n" + run.stdout());
            assertEquals(REPS, run.stdoutLines().stream().filter(("retrofit v2: 200 " + AMI)::equals).count(),
                    run.stdout());

            // The log: one block per application call site, none for the v2 code, none from the socket catch-all.
            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(V1_SITES, sights.stream().map(s -> s.site().substring(0, s.site().indexOf('(') + 1))
                    .collect(Collectors.toCollection(TreeSet::new)), run.stderr());
            for (FirstSight sight : sights) {
                assertEquals("okhttp", sight.client(), sight.toString());
                assertEquals(action, sight.action(), sight.toString());
                assertEquals("GET", sight.method(), sight.toString());
                assertEquals("main", sight.thread(), "async calls are reported on the calling thread: " + sight);
                assertTrue(sight.frames().get(0).startsWith(APP + "."), sight.toString());
            }

            // The report.
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(4 * REPS, totals.get("v1").asLong(), "each v1 call counted once: " + totals);
            assertEquals(2 * REPS, totals.get("v2").asLong(), totals.toString());
            assertEquals(1, totals.get("token").asLong(), totals.toString());
            assertEquals(4, totals.get("v1CallSites").asLong(), totals.toString());
            for (JsonNode site : Reports.callSites(json)) {
                assertEquals("okhttp", site.get("client").asText(), site.toString());
                assertTrue(site.get("site").asText().startsWith(APP + "."), site.toString());
                assertEquals(REPS, site.get("count").asLong(), site.toString());
                assertEquals(REPS, site.get("actions").get(action).asLong(), site.toString());
            }

            // What IMDS received.
            ImdsStats stats = mock.stats();
            long v1Received = mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count();
            switch (mode) {
                case "report" -> assertEquals(4 * REPS, v1Received, stats.summary());
                case "rewrite" -> {
                    assertEquals(0, v1Received, "only v2 reached IMDS: " + stats.summary());
                    assertEquals(6 * REPS, stats.v2Served(), stats.summary());
                    assertEquals(2, stats.tokensIssued(), "the application's and the agent's: " + stats.summary());
                }
                default -> {
                    assertEquals(0, v1Received, stats.summary());
                    assertEquals(4 * REPS, stats.v2Rejected(), "IMDS refused every v1 call: " + stats.summary());
                    assertEquals(2 * REPS, stats.v2Served(), stats.summary());
                }
            }
            assertNoTokenLeaks(mock, run, report);
        }
    }

    /**
     * IMDS restarts: the agent's token gets a 401, is dropped, and the next call has a fresh one.
     * Then a relayed request (X-Forwarded-For) is left as v1 although its call site is trusted.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"okhttp-3.14", "okhttp-4.12"})
    void aRejectedAgentTokenIsDroppedAfterOne401(String libraries, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path report = dir.resolve("report.json");
            AppJvm.Running app = AppJvm.mainClassWithLibraries(libraries, OkHttpApp.class, "1", "--pause")
                    .withAgent("mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).start();
            app.awaitStdout("paused");
            mock.invalidateTokens();
            app.sendLine("");
            JvmResult run = app.finish();
            assertEquals(0, run.exitCode(), run.describe());

            List<String> after = run.stdoutLines().stream().filter(l -> l.startsWith("after restart: ")).toList();
            assertEquals(2, after.size(), run.stdout());
            assertEquals("after restart: 401 -", after.get(0), "the call with the stale token: " + run.stdout());
            assertTrue(after.get(1).startsWith("after restart: 200 i-"), "a fresh token next: " + run.stdout());
            assertEquals("forwarded v1: 401 -", run.stdoutLines().stream().filter(l -> l.startsWith("forwarded v1: "))
                    .findFirst().orElseThrow(), "a relayed request is never rewritten: " + run.stdout());
            JsonNode forwarded = Reports.siteStartingWith(Reports.read(report), APP + ".forwardedV1Read(");
            assertEquals(1, forwarded.get("actions").get("rewrite_denied").asLong(), forwarded.toString());
            assertEquals("relayed", forwarded.get("lastReason").asText(), forwarded.toString());
            JsonNode sync = Reports.siteStartingWith(Reports.read(report), APP + ".syncV1Read(");
            assertEquals(3, sync.get("actions").get("rewritten").asLong(), "401 or not, it was rewritten: " + sync);
            assertEquals(3, mock.stats().tokensIssued(), "the application's, the agent's, the agent's fresh one: "
                    + mock.stats().summary());
            assertEquals(1, mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count(),
                    "only the relayed request reached IMDS as v1");
            assertNoTokenLeaks(mock, run, report);
        }
    }

    private static void assertNoTokenLeaks(MockImds mock, JvmResult run, Path report) throws Exception {
        String written = Files.readString(report);
        for (String token : mock.issuedTokens()) {
            assertFalse(run.stdout().contains(token), "token in stdout");
            assertFalse(run.stderr().contains(token), "token in stderr");
            assertFalse(written.contains(token), "token in the report");
        }
    }
}
