package io.imdsguard.it.clients;

import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.assertNoTokenLeak;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.received;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.results;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.sdkApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.libraries.awssdk.AwsSdkV1App;
import io.imdsguard.it.apps.libraries.awssdk.MockRoleCredentials;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AWS SDK for Java v1 1.12.797, the newest 1.12: the same application as {@link AwsSdkV1LegacyIT},
 * on an SDK that fetches a token itself, a new one before every read (PUT, then GET with the token,
 * through HttpURLConnection). Its requests are token and v2 requests, so they are never reported as
 * v1 and no mode touches them. Only when the token PUT goes unanswered (the hop-limit problem) does
 * it fall back to v1, and that is reported.
 */
class AwsSdkV1CurrentIT {

    private static final String LIBRARIES = "aws-sdk-v1-1.12";
    private static final String[] STEPS = {"instance-id", "region", "region", "credentials"};

    /**
     * Metadata reads for these steps: instance-id, 2 x identity document, role list, role
     * credentials.
     */
    private static final int READS = 5;

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}")
    @CsvSource({
        "report,  OPTIONAL",
        "report,  REQUIRED",
        "rewrite, OPTIONAL",
        "rewrite, REQUIRED",
        "enforce, OPTIONAL",
        "enforce, REQUIRED",
    })
    void theCurrentSdkSendsOnlyTokenAndV2RequestsWhichAreNeverReportedAsV1(
            String mode, HttpTokens tokens, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            LIBRARIES, AwsSdkV1App.class, STEPS),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .withAgent("mode=" + mode + ",report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("sdk: 1.12.797"), run.stdout());

            assertEquals(
                    List.of(), run.agent().firstSights(), "no first-sight line: " + run.stderr());
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(0, totals.get("v1").asLong(), json.toString());
            assertEquals(0, totals.get("v1CallSites").asLong(), json.toString());
            assertEquals(0, json.get("callSites").size(), json.toString());
            assertEquals(READS, totals.get("v2").asLong(), json.toString());
            assertEquals(READS, totals.get("token").asLong(), "a token per read: " + json);
            for (String action :
                    List.of("rewritten", "rewriteDenied", "rewriteFailed", "blocked")) {
                assertEquals(0, totals.get(action).asLong(), action + ": " + json);
            }

            // IMDS saw the SDK's own token churn, untouched: one PUT before each read, no v1,
            // nothing of the agent's.
            assertEquals(0, received(mock, Kind.V1), mock.requests().toString());
            assertEquals(READS, received(mock, Kind.TOKEN), mock.requests().toString());
            assertEquals(READS, mock.stats().v2Served(), mock.stats().summary());
            assertEquals(0, mock.stats().v2Rejected(), mock.stats().summary());
            List<Kind> order = mock.requests().stream().map(ReceivedRequest::kind).toList();
            for (int i = 0; i < order.size(); i++) {
                assertEquals(
                        i % 2 == 0 ? Kind.TOKEN : Kind.V2,
                        order.get(i),
                        "PUT, GET, PUT, GET...: " + order);
            }
            assertNoTokenLeak(mock, run, report);

            assertEquals(
                    List.of(
                            "instance-id: i-0123456789abcdef0",
                            "region: eu-west-1",
                            "region: eu-west-1",
                            "credentials: " + MockRoleCredentials.accessKeyId(mock)),
                    results(run),
                    run.describe());
        }
    }

    /**
     * IMDS accepts the token PUT but its answer never arrives, as from a container when the hop
     * limit is 1: the SDK waits its 1 s timeout per read and falls back to v1. Those v1 calls are
     * reported, at the SDK's ConnectionUtils, with the application's frame below.
     */
    @Test
    void whenTheTokenPutGoesUnansweredTheSdksV1FallbackIsReported(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setBlackHoleTokenRequests(true);
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            LIBRARIES, AwsSdkV1App.class, "credentials"),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .withAgent("report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(1, sights.size(), run.stderr());
            FirstSight sight = sights.get(0);
            assertTrue(sight.site().startsWith("com.amazonaws.internal."), sight.toString());
            assertEquals("HttpURLConnection", sight.client());
            assertEquals("observed", sight.action());
            assertTrue(
                    sight.frames().stream()
                            .anyMatch(
                                    f ->
                                            f.startsWith(
                                                    AwsSdkV1App.class.getName() + ".credentials(")),
                    sight.frames().toString());

            JsonNode totals = Reports.read(report).get("totals");
            assertEquals(
                    2,
                    totals.get("v1").asLong(),
                    "role list and credentials, each after a failed PUT: " + totals);
            assertEquals(2, totals.get("token").asLong(), totals.toString());
            assertEquals(0, totals.get("v2").asLong(), totals.toString());
            assertEquals(2, received(mock, Kind.V1), mock.requests().toString());
            mock.setBlackHoleTokenRequests(false);
            assertEquals(
                    List.of("credentials: " + MockRoleCredentials.accessKeyId(mock)),
                    results(run),
                    run.describe());
        }
    }
}
