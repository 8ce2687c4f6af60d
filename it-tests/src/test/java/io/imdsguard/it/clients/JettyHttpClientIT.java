package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.jetty.JettyClientApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eclipse Jetty's HttpClient 9.4, 11 and 12 (two instrumentations: 9.4 to 11, and 12): the same
 * application run against each (the contract's matrix for each).
 */
@AgentClient("jetty-httpclient")
class JettyHttpClientIT extends ClientContract {

    private static final int REPS = 2;
    private static final String APP = JettyClientApp.class.getName();
    private static final String CLIENT = "jetty-httpclient";
    private static final String AMI = "ami-0abcdef1234567890";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";

    /** Folder under target/client-libs and the Jetty version the app must report running on. */
    private static final Map<String, String> VERSIONS =
            Map.of("jetty-9.4", "9.4.57.v20241219", "jetty-11", "11.0.24", "jetty-12", "12.0.39");

    @Override
    protected List<Variant> variants() {
        return List.of(variant("jetty-9.4", 8), variant("jetty-11", 11), variant("jetty-12", 17));
    }

    /** The same application, compiled once, on one Jetty version's jars. */
    private static Variant variant(String libraries, int java) {
        String refused = answer("401", null);
        return Variant.of(libraries, CLIENT, JettyClientApp.class)
                .libraries(libraries)
                .arguments(String.valueOf(REPS))
                .runsFrom(java, libraries)
                .calls(
                        Call.v1("blocking v1", "blockingV1Read", REPS)
                                .answering(INSTANCE_ID)
                                .refusedAs(refused),
                        Call.v1("async v1", "asyncV1Read", REPS)
                                .answering(INSTANCE_ID)
                                .refusedAs(refused),
                        Call.relayedV1("forwarded v1", "forwardedV1Read", 1)
                                .answering("10.0.0.12")
                                .refusedAs(refused),
                        Call.v2("v2", "v2Read", 1).answering(AMI))
                .alsoCheck(
                        run -> {
                            assertTrue(
                                    run.jvm()
                                            .stdoutLines()
                                            .contains("jetty " + VERSIONS.get(libraries)),
                                    run.jvm().stdout());
                            assertEquals(
                                    List.of("204 -"),
                                    run.results("plain"),
                                    "other servers are no IMDS business");
                        });
    }

    /**
     * IMDS restarts: the agent's token gets a 401 on an asynchronous call (seen on Jetty's I/O
     * thread), is dropped, and the next calls get a fresh one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty-9.4", "jetty-11", "jetty-12"})
    void aRejectedAgentTokenIsDroppedAfterOne401(String libraries, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path report = dir.resolve("report.json");
            AppJvm.Running app =
                    AppJvm.mainClassWithLibraries(libraries, JettyClientApp.class, "1", "--pause")
                            .withAgent("mode=rewrite,rewrite.callers=" + APPS + ",report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("paused");
            assertEquals(2, mock.stats().tokensIssued(), mock.stats().summary());
            mock.invalidateTokens();
            app.sendLine("");
            JvmResult run = app.finish();
            assertEquals(0, run.exitCode(), run.describe());

            List<String> after =
                    run.stdoutLines().stream()
                            .filter(l -> l.startsWith("after restart: "))
                            .toList();
            assertEquals(3, after.size(), run.stdout());
            assertEquals(
                    "after restart: " + answer("401", null),
                    after.get(0),
                    "the call with the stale token: " + run.stdout());
            assertEquals(
                    "after restart: " + answer("200", INSTANCE_ID),
                    after.get(1),
                    "a fresh token next: " + run.stdout());
            assertEquals(
                    "after restart: " + answer("200", INSTANCE_ID), after.get(2), run.stdout());
            assertEquals(
                    3,
                    mock.stats().tokensIssued(),
                    "the agent's, the application's, the agent's fresh one: "
                            + mock.stats().summary());
            assertEquals(1, mock.stats().v2Rejected(), mock.stats().summary());
            JsonNode async = Reports.siteStartingWith(Reports.read(report), APP + ".asyncV1Read(");
            assertEquals(
                    3,
                    async.get("actions").get("rewritten").asLong(),
                    "401 or not, it was rewritten: " + async);
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

    private static void assertNoTokenLeaks(MockImds mock, JvmResult run, Path report)
            throws Exception {
        String written = Files.readString(report);
        for (String token : mock.issuedTokens()) {
            assertFalse(run.stdout().contains(token), "token in stdout");
            assertFalse(run.stderr().contains(token), "token in stderr");
            assertFalse(written.contains(token), "token in the report");
        }
    }
}
