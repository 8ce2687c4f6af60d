package io.imdsguard.it.clients;

import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.assertNoTokenLeak;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.received;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.results;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.sdkApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.libraries.awssdk.AwsSdkV2App;
import io.imdsguard.it.apps.libraries.awssdk.MockRoleCredentials;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AWS SDK for Java v2 2.30.0: {@code Ec2MetadataClient} (module imds) over the UrlConnection and
 * the Apache HTTP client, {@code InstanceProfileCredentialsProvider} and {@code
 * InstanceProfileRegionProvider} (their own HttpURLConnection code). All three fetch a token first,
 * so everything they send is token or v2: seen and counted, never reported as v1, never changed by
 * any mode. Only the credentials provider's fallback to v1, when the token PUT goes unanswered, is
 * v1, and it is reported.
 */
class AwsSdkV2IT {

    private static final String HTTP_SERVICE = "software.amazon.awssdk.http.service.impl";
    private static final String URL_CONNECTION =
            "software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService";
    private static final String APACHE = "software.amazon.awssdk.http.apache.ApacheSdkHttpService";
    private static final String[] STEPS = {"imds", "credentials", "region"};

    /**
     * imds: 1 token (cached by the client), 2 reads; credentials: 1 token, role list and
     * credentials; region: 1 + 1.
     */
    private static final int TOKENS = 3;

    private static final int V2_READS = 5;

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}, Ec2MetadataClient over {2}")
    @CsvSource({
        "report,  OPTIONAL, url-connection",
        "report,  REQUIRED, url-connection",
        "rewrite, OPTIONAL, url-connection",
        "rewrite, REQUIRED, url-connection",
        "enforce, OPTIONAL, url-connection",
        "enforce, REQUIRED, url-connection",
        "report,  REQUIRED, apache",
        "enforce, OPTIONAL, apache",
    })
    void sdkV2RequestsAreSeenAsTokenAndV2AndNeverReportedAsV1(
            String mode, HttpTokens tokens, String httpClient, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClass(AwsSdkV2App.class, STEPS),
                                    mock,
                                    dir,
                                    AwsSdkV2App.ENDPOINT_PROPERTY)
                            .systemProperty(
                                    HTTP_SERVICE,
                                    httpClient.equals("apache") ? APACHE : URL_CONNECTION)
                            .withAgent("mode=" + mode + ",report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("sdk: 2.30.0"), run.stdout());

            assertEquals(
                    List.of(), run.agent().firstSights(), "no first-sight line: " + run.stderr());
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(0, totals.get("v1").asLong(), json.toString());
            assertEquals(0, json.get("callSites").size(), json.toString());
            // Seen, whichever client carried it: with Apache these counts need Apache's requests to
            // be seen too.
            assertEquals(TOKENS, totals.get("token").asLong(), json.toString());
            assertEquals(V2_READS, totals.get("v2").asLong(), json.toString());
            for (String action :
                    List.of("rewritten", "rewriteDenied", "rewriteFailed", "blocked")) {
                assertEquals(0, totals.get(action).asLong(), action + ": " + json);
            }

            assertEquals(0, received(mock, Kind.V1), mock.requests().toString());
            assertEquals(
                    TOKENS,
                    received(mock, Kind.TOKEN),
                    "only the SDK's own tokens: " + mock.requests());
            assertEquals(V2_READS, mock.stats().v2Served(), mock.stats().summary());
            assertEquals(0, mock.stats().v2Rejected(), mock.stats().summary());
            assertNoTokenLeak(mock, run, report);

            assertEquals(
                    List.of(
                            "imds: i-0123456789abcdef0 eu-west-1",
                            "credentials: " + MockRoleCredentials.accessKeyId(mock),
                            "region: eu-west-1"),
                    results(run),
                    run.describe());
        }
    }

    /**
     * The token PUT is accepted but never answered (hop limit 1 from a container): the credentials
     * provider waits its 1 s and falls back to v1, unless told not to. That v1 is reported, at the
     * SDK's ConnectionUtils, with the application's frame below.
     */
    @Test
    void theCredentialsProvidersFallbackToV1IsReported(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setBlackHoleTokenRequests(true);
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClass(AwsSdkV2App.class, "credentials"),
                                    mock,
                                    dir,
                                    AwsSdkV2App.ENDPOINT_PROPERTY)
                            .withAgent("report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(1, sights.size(), run.stderr());
            FirstSight sight = sights.get(0);
            assertTrue(
                    sight.site()
                            .startsWith(
                                    "software.amazon.awssdk.regions.internal.util.ConnectionUtils."),
                    sight.toString());
            assertEquals("HttpURLConnection", sight.client());
            assertTrue(
                    sight.frames().stream()
                            .anyMatch(
                                    f ->
                                            f.startsWith(
                                                    AwsSdkV2App.class.getName() + ".credentials(")),
                    sight.frames().toString());

            JsonNode totals = Reports.read(report).get("totals");
            assertEquals(2, totals.get("v1").asLong(), "role list and credentials: " + totals);
            assertEquals(1, totals.get("token").asLong(), totals.toString());
            assertEquals(2, received(mock, Kind.V1), mock.requests().toString());
            mock.setBlackHoleTokenRequests(false);
            assertEquals(
                    List.of("credentials: " + MockRoleCredentials.accessKeyId(mock)),
                    results(run),
                    run.describe());
        }
    }
}
