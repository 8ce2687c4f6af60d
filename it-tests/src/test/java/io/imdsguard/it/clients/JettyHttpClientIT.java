package io.imdsguard.it.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.jetty.JettyClientApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.ModeMatrix;
import io.imdsguard.it.support.PlainHttpServer;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse Jetty's HttpClient 9.4, 11 and 12 (two instrumentations: 9.4 to 11, and 12): the same
 * application run against each, in every mode against an IMDS with HttpTokens optional and required.
 */
class JettyHttpClientIT {

    private static final int REPS = 2;
    private static final String APP = JettyClientApp.class.getName();
    private static final String CLIENT = "jetty-httpclient";
    private static final String AMI = "ami-0abcdef1234567890";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    /** Folder under target/client-libs and the Jetty version the app must report running on. */
    private static final Map<String, String> VERSIONS =
            Map.of("jetty-9.4", "9.4.57.v20241219", "jetty-11", "11.0.24", "jetty-12", "12.0.39");

    static Stream<Arguments> matrix() {
        return ModeMatrix.forEach("jetty-9.4", "jetty-11", "jetty-12");
    }

    @ParameterizedTest(name = "{0}: mode={1}, HttpTokens={2}")
    @MethodSource("matrix")
    void blockingAndAsyncCallsAreHandledPerMode(String libraries, String mode, HttpTokens httpTokens,
                                                String expectedStatus, String action, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(httpTokens).start();
             PlainHttpServer plain = new PlainHttpServer()) {
            Path report = dir.resolve("report.json");
            JvmResult run = AppJvm.mainClassWithLibraries(libraries, JettyClientApp.class, String.valueOf(REPS))
                    .withAgent("mode=" + mode + ",rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                    .env("PLAIN_URL", plain.url()).run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("done"), run.describe());
            assertTrue(run.stdoutLines().contains("jetty " + VERSIONS.get(libraries)), run.stdout());
            assertTrue(run.agent().linesContaining("could not instrument").isEmpty(), run.stderr());
            assertTrue(run.agent().linesContaining("internal error").isEmpty(), run.stderr());

            // What the application saw.
            for (String output : List.of("blocking v1: ", "async v1: ")) {
                List<String> lines = run.stdoutLines().stream().filter(l -> l.startsWith(output)).toList();
                assertEquals(REPS, lines.size(), output + " in:\n" + run.stdout());
                assertTrue(lines.stream().allMatch(l -> l.equals(output + answer(expectedStatus, INSTANCE_ID))),
                        run.stdout());
            }
            boolean forwardedPasses = !mode.equals("enforce") && httpTokens == HttpTokens.OPTIONAL;
            assertTrue(run.stdoutLines().contains("forwarded v1: " + answer(forwardedPasses ? "200" : "401",
                    "10.0.0.12")), "a relayed request is never rewritten:\n" + run.stdout());
            assertTrue(run.stdoutLines().contains("v2: 200 " + AMI), "native v2 works untouched:\n" + run.stdout());
            assertTrue(run.stdoutLines().contains("plain: 204 -"), "other servers are no IMDS business:\n"
                    + run.stdout());

            // The log: one block per application call site, none for the v2 code, none from another client.
            String forwardedAction = switch (mode) {
                case "rewrite" -> "rewrite_denied";
                case "enforce" -> "blocked";
                default -> "observed";
            };
            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(Set.of(APP + ".blockingV1Read(", APP + ".asyncV1Read(", APP + ".forwardedV1Read("),
                    sights.stream().map(s -> s.site().substring(0, s.site().indexOf('(') + 1))
                            .collect(Collectors.toCollection(TreeSet::new)), run.stderr());
            for (FirstSight sight : sights) {
                assertEquals(CLIENT, sight.client(), sight.toString());
                assertEquals(sight.site().startsWith(APP + ".forwardedV1Read(") ? forwardedAction : action,
                        sight.action(), sight.toString());
                assertEquals("GET", sight.method(), sight.toString());
                assertEquals("main", sight.thread(), "async calls are reported on the calling thread: " + sight);
                assertTrue(sight.frames().get(0).startsWith(APP + "."), "the application's frame: " + sight);
            }

            // The report.
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(2 * REPS + 1, totals.get("v1").asLong(), "each v1 call counted once: " + totals);
            assertEquals(1, totals.get("v2").asLong(), totals.toString());
            assertEquals(1, totals.get("token").asLong(), totals.toString());
            assertEquals(3, totals.get("v1CallSites").asLong(), totals.toString());
            assertEquals(0, totals.get("v1Unattributed").asLong(), totals.toString());
            switch (mode) {
                case "rewrite" -> {
                    assertEquals(2 * REPS, totals.get("rewritten").asLong(), totals.toString());
                    assertEquals(1, totals.get("rewriteDenied").asLong(), totals.toString());
                }
                case "enforce" -> assertEquals(2 * REPS + 1, totals.get("blocked").asLong(), totals.toString());
                default -> assertEquals(0, totals.get("rewritten").asLong() + totals.get("blocked").asLong(),
                        totals.toString());
            }
            for (String method : List.of("blockingV1Read(", "asyncV1Read(")) {
                JsonNode site = Reports.siteStartingWith(json, APP + "." + method);
                assertEquals(CLIENT, site.get("client").asText(), site.toString());
                assertEquals(REPS, site.get("count").asLong(), site.toString());
                assertEquals(REPS, site.get("actions").get(action).asLong(), site.toString());
            }
            JsonNode forwarded = Reports.siteStartingWith(json, APP + ".forwardedV1Read(");
            assertEquals(1, forwarded.get("actions").get(forwardedAction).asLong(), forwarded.toString());

            // What IMDS received.
            ImdsStats stats = mock.stats();
            List<ReceivedRequest> v1Received = mock.requests().stream()
                    .filter(r -> r.kind() == ReceivedRequest.Kind.V1).toList();
            switch (mode) {
                case "report" -> assertEquals(2 * REPS + 1, v1Received.size(), stats.summary());
                case "rewrite" -> {
                    assertEquals(1, v1Received.size(), "only the relayed request reached IMDS as v1: " + v1Received);
                    assertTrue(v1Received.get(0).forwardedFor(), v1Received.toString());
                    assertEquals(2 * REPS + 1, stats.v2Served(), stats.summary());
                    assertEquals(2, stats.tokensIssued(), "the application's and the agent's: " + stats.summary());
                }
                default -> {
                    assertEquals(0, v1Received.size(), stats.summary());
                    assertEquals(2 * REPS + 1, stats.v2Rejected(), "IMDS refused every v1 call: " + stats.summary());
                    assertEquals(1, stats.v2Served(), stats.summary());
                }
            }
            assertNoTokenLeaks(mock, run, report);
        }
    }

    /**
     * IMDS restarts: the agent's token gets a 401 on an asynchronous call (seen on Jetty's I/O
     * thread), is dropped, and the next calls get a fresh one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty-9.4", "jetty-11", "jetty-12"})
    void aRejectedAgentTokenIsDroppedAfterOne401(String libraries, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path report = dir.resolve("report.json");
            AppJvm.Running app = AppJvm.mainClassWithLibraries(libraries, JettyClientApp.class, "1", "--pause")
                    .withAgent("mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).start();
            app.awaitStdout("paused");
            assertEquals(2, mock.stats().tokensIssued(), mock.stats().summary());
            mock.invalidateTokens();
            app.sendLine("");
            JvmResult run = app.finish();
            assertEquals(0, run.exitCode(), run.describe());

            List<String> after = run.stdoutLines().stream().filter(l -> l.startsWith("after restart: ")).toList();
            assertEquals(3, after.size(), run.stdout());
            assertEquals("after restart: " + answer("401", null), after.get(0),
                    "the call with the stale token: " + run.stdout());
            assertEquals("after restart: " + answer("200", INSTANCE_ID), after.get(1), "a fresh token next: "
                    + run.stdout());
            assertEquals("after restart: " + answer("200", INSTANCE_ID), after.get(2), run.stdout());
            assertEquals(3, mock.stats().tokensIssued(), "the agent's, the application's, the agent's fresh one: "
                    + mock.stats().summary());
            assertEquals(1, mock.stats().v2Rejected(), mock.stats().summary());
            JsonNode async = Reports.siteStartingWith(Reports.read(report), APP + ".asyncV1Read(");
            assertEquals(3, async.get("actions").get("rewritten").asLong(), "401 or not, it was rewritten: " + async);
            assertNoTokenLeaks(mock, run, report);
        }
    }

    /**
     * What the application prints for an answer: the body of a 200; for a 401, Jetty's
     * HttpResponseException (a 401 without WWW-Authenticate, as IMDS sends it, fails the request).
     */
    private static String answer(String status, String body) {
        return status.equals("200") ? "200 " + body : status + " HttpResponseException";
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
