package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.okhttp.OkHttpApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OkHttp 3.14 and 4.12, and Retrofit 2.9 on top of each: the same application, compiled once, run
 * against both versions (the contract's matrix for each).
 */
@AgentClient("okhttp")
class OkHttpIT extends ClientContract {

    private static final int REPS = 2;
    private static final String APP = OkHttpApp.class.getName();
    private static final String AMI = "ami-0abcdef1234567890";

    @Override
    protected List<Variant> variants() {
        return List.of(variant("okhttp-3.14"), variant("okhttp-4.12"));
    }

    /** The same application, compiled once, on one OkHttp version's jars. */
    private static Variant variant(String libraries) {
        return Variant.of(libraries, "okhttp", OkHttpApp.class)
                .libraries(libraries)
                .arguments(String.valueOf(REPS))
                .calls(
                        Call.v1("okhttp sync v1", "syncV1Read", REPS),
                        Call.v1("okhttp async v1", "asyncV1Read", REPS),
                        Call.v1("retrofit sync v1", "retrofitV1Read", REPS),
                        Call.v1("retrofit async v1", "retrofitAsyncV1Read", REPS),
                        Call.v2("okhttp v2", "v2Read", REPS).answering(AMI),
                        Call.v2("retrofit v2", "main", REPS).answering(AMI))
                .alsoCheck(
                        run ->
                                assertTrue(
                                        run.results("okhttp async v1").stream()
                                                .allMatch(l -> l.endsWith(" on OkHttp")),
                                        "async answers arrive on OkHttp's threads, yet the site is the caller's:\n"
                                                + run.jvm().stdout()));
    }

    /**
     * IMDS restarts: the agent's token gets a 401, is dropped, and the next call has a fresh one.
     * Then a relayed request (X-Forwarded-For) is left as v1 although its call site is trusted.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"okhttp-3.14", "okhttp-4.12"})
    void aRejectedAgentTokenIsDroppedAfterOne401(String libraries, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Path report = dir.resolve("report.json");
            AppJvm.Running app =
                    AppJvm.mainClassWithLibraries(libraries, OkHttpApp.class, "1", "--pause")
                            .withAgent("mode=rewrite,rewrite.callers=" + APPS + ",report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("paused");
            mock.invalidateTokens();
            app.sendLine("");
            JvmResult run = app.finish();
            assertEquals(0, run.exitCode(), run.describe());

            List<String> after =
                    run.stdoutLines().stream()
                            .filter(l -> l.startsWith("after restart: "))
                            .toList();
            assertEquals(2, after.size(), run.stdout());
            assertEquals(
                    "after restart: 401 -",
                    after.get(0),
                    "the call with the stale token: " + run.stdout());
            assertTrue(
                    after.get(1).startsWith("after restart: 200 i-"),
                    "a fresh token next: " + run.stdout());
            assertEquals(
                    "forwarded v1: 401 -",
                    run.stdoutLines().stream()
                            .filter(l -> l.startsWith("forwarded v1: "))
                            .findFirst()
                            .orElseThrow(),
                    "a relayed request is never rewritten: " + run.stdout());
            JsonNode forwarded =
                    Reports.siteStartingWith(Reports.read(report), APP + ".forwardedV1Read(");
            assertEquals(
                    1,
                    forwarded.get("actions").get("rewrite_denied").asLong(),
                    forwarded.toString());
            assertEquals("relayed", forwarded.get("lastReason").asText(), forwarded.toString());
            JsonNode sync = Reports.siteStartingWith(Reports.read(report), APP + ".syncV1Read(");
            assertEquals(
                    3,
                    sync.get("actions").get("rewritten").asLong(),
                    "401 or not, it was rewritten: " + sync);
            assertEquals(
                    3,
                    mock.stats().tokensIssued(),
                    "the application's, the agent's, the agent's fresh one: "
                            + mock.stats().summary());
            assertEquals(
                    1,
                    mock.requests().stream()
                            .filter(r -> r.kind() == ReceivedRequest.Kind.V1)
                            .count(),
                    "only the relayed request reached IMDS as v1");
            assertNoTokenLeaks(mock, run, report);
        }
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
