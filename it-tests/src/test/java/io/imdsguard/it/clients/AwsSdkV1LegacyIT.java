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
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AWS SDK for Java v1 1.11.600, from before the SDK knew IMDSv2: {@code EC2MetadataUtils} and
 * {@code InstanceProfileCredentialsProvider} send plain v1 GETs through HttpURLConnection, which
 * the agent instruments; no instrumentation of the SDK itself is involved.
 *
 * <p>The call site is the SDK's {@code ConnectionUtils}, by design: that is the code that talks to
 * IMDS, and what the default {@code rewrite.callers} admits. The application frame that called the
 * SDK is reported beside it ({@code applicationFrame}, {@code called-from=}), so each application
 * path into the SDK (instance id, region, credentials) is a site of its own with its own count.
 */
class AwsSdkV1LegacyIT {

    private static final String LIBRARIES = "aws-sdk-v1-1.11";
    private static final String APP = AwsSdkV1App.class.getName();
    private static final String[] STEPS = {"instance-id", "region", "region", "credentials"};

    /** Every IMDS request of this SDK leaves from here. */
    private static final String SDK_SITE =
            "com.amazonaws.internal.ConnectionUtils.connectToEndpoint(";

    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    private static final String REGION = "eu-west-1";

    /**
     * What the SDK prints without the agent against HttpTokens=required (asserted by {@link
     * #withoutTheAgentTheOldSdkFailsUnderRequiredImds}): null for the metadata it cannot read (it
     * logs a warning), a 401 AmazonServiceException from the credentials provider.
     */
    private static final List<String> FAILED =
            List.of(
                    "instance-id: null",
                    "region: null",
                    "region: null",
                    "credentials: failed com.amazonaws.AmazonServiceException status=401");

    /** The jar of the site's class (the SDK's ConnectionUtils), as its pom.properties names it. */
    private static final String SDK_CORE = "com.amazonaws:aws-java-sdk-core:1.11.600";

    /** scan's remediation for that version, which the run-time report repeats. */
    private static final String UPGRADE =
            "upgrade com.amazonaws:aws-java-sdk-core 1.11.600 -> >= 1.11.678";

    /**
     * Requests when everything works: instance-id, 2 x identity document, role list, role
     * credentials.
     */
    private static final int REQUESTS_OK = 5;

    /** When refused, the credentials provider stops after the role list. */
    private static final int REQUESTS_FAILED = 4;

    @Test
    void withoutTheAgentTheOldSdkFailsUnderRequiredImds(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            LIBRARIES, AwsSdkV1App.class, STEPS),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("sdk: 1.11.600"), run.stdout());
            assertEquals(FAILED, results(run), run.describe());
            assertEquals(REQUESTS_FAILED, received(mock, Kind.V1), "v1 only: " + mock.requests());
            assertEquals(
                    REQUESTS_FAILED,
                    mock.requests().size(),
                    "no token request: " + mock.requests());
        }
    }

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}, rewrite.callers={2}")
    @CsvSource({
        "report,  OPTIONAL, default,               works, observed",
        "report,  REQUIRED, default,               fails, observed",
        "rewrite, OPTIONAL, default,               works, rewritten",
        "rewrite, REQUIRED, default,               works, rewritten",
        "rewrite, REQUIRED, io.imdsguard.it.apps., fails, rewrite_denied",
        "enforce, OPTIONAL, default,               fails, blocked",
        "enforce, REQUIRED, default,               fails, blocked",
    })
    void theOldSdksV1CallsAreReportedAtTheSdkAndHandledPerMode(
            String mode,
            HttpTokens tokens,
            String callers,
            String outcome,
            String action,
            @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Path report = dir.resolve("report.json");
            String agentArgs =
                    "mode="
                            + mode
                            + ",report="
                            + report
                            + (callers.equals("default") ? "" : ",rewrite.callers=" + callers);
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            LIBRARIES, AwsSdkV1App.class, STEPS),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .withAgent(agentArgs)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("sdk: 1.11.600"), run.stdout());
            boolean works = outcome.equals("works");
            int v1Calls = works ? REQUESTS_OK : REQUESTS_FAILED;

            // The SDK's ConnectionUtils is the site the scope matches, once per application path
            // into the
            // SDK: the instance-id lookup, the region lookup and the credentials provider, each
            // with its count.
            Map<String, Integer> perPath = new LinkedHashMap<>();
            perPath.put("instanceId", 1);
            perPath.put("region", 2);
            perPath.put("credentials", v1Calls - 3);
            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(perPath.size(), sights.size(), run.stderr());
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(perPath.size(), totals.get("v1CallSites").asLong(), json.toString());
            for (Map.Entry<String, Integer> path : perPath.entrySet()) {
                String applicationFrame = APP + "." + path.getKey() + "(";
                List<String> header =
                        run.agent().linesContaining("called-from=" + applicationFrame);
                assertEquals(1, header.size(), run.stderr());
                FirstSight sight =
                        sights.stream()
                                .filter(s -> header.get(0).contains("site-id=" + s.id() + " "))
                                .findFirst()
                                .orElseThrow();
                assertEquals("HttpURLConnection", sight.client());
                assertEquals("GET", sight.method());
                assertEquals(action, sight.action());
                assertTrue(sight.site().startsWith(SDK_SITE), sight.toString());
                assertApplicationBelowSdk(sight.frames(), path.getKey());

                JsonNode site = null;
                for (JsonNode each : Reports.callSites(json)) {
                    if (each.get("applicationFrame").asText().startsWith(applicationFrame)) {
                        site = each;
                    }
                }
                assertTrue(site != null, "a site for " + applicationFrame + " in " + json);
                assertTrue(site.get("site").asText().startsWith(SDK_SITE), site.toString());
                assertEquals(sight.id(), site.get("id").asText(), site.toString());
                assertEquals("HttpURLConnection", site.get("client").asText());
                assertEquals((long) path.getValue(), site.get("count").asLong(), site.toString());
                assertEquals(
                        (long) path.getValue(),
                        site.get("actions").get(action).asLong(),
                        site.toString());
                List<String> stack = new ArrayList<>();
                site.get("stack").forEach(f -> stack.add(f.asText()));
                assertApplicationBelowSdk(stack, path.getKey());
                // what to upgrade: the SDK's jar, read from the class the call left from
                assertTrue(
                        site.get("archive").asText().endsWith("aws-java-sdk-core-1.11.600.jar"),
                        site.toString());
                assertEquals(SDK_CORE, site.get("coordinates").asText(), site.toString());
                assertEquals(
                        "pom.properties", site.get("coordinatesFrom").asText(), site.toString());
                assertTrue(site.get("remediation").asText().startsWith(UPGRADE), site.toString());
            }
            List<String> archives =
                    run.agent()
                            .linesContaining(
                                    " coordinates="
                                            + SDK_CORE
                                            + " (from pom.properties) fix: "
                                            + UPGRADE);
            assertEquals(
                    perPath.size(),
                    archives.size(),
                    "one archive line under each first-sight line: " + run.stderr());
            assertTrue(
                    archives.get(0).startsWith("    archive=")
                            && archives.get(0).contains("aws-java-sdk-core-1.11.600.jar"),
                    archives.get(0));
            assertEquals(v1Calls, totals.get("v1").asLong(), json.toString());
            assertEquals(0, totals.get("v2").asLong(), "this SDK never sends a token: " + json);
            assertEquals(
                    0,
                    totals.get("token").asLong(),
                    "the agent's own token request is not counted: " + json);
            JsonNode site =
                    Reports.callSites(json).get(0); // any: every site has had the same action

            // What IMDS received.
            switch (mode) {
                case "report" ->
                        assertEquals(v1Calls, received(mock, Kind.V1), mock.requests().toString());
                case "rewrite" -> {
                    if (works) {
                        assertEquals(
                                0,
                                received(mock, Kind.V1),
                                "only v2 reached IMDS: " + mock.requests());
                        assertEquals(v1Calls, received(mock, Kind.V2), mock.requests().toString());
                        assertEquals(
                                1,
                                received(mock, Kind.TOKEN),
                                "one shared token: " + mock.requests());
                        assertEquals(v1Calls, totals.get("rewritten").asLong(), json.toString());
                    } else {
                        assertEquals(v1Calls, received(mock, Kind.V1), mock.requests().toString());
                        assertEquals(0, received(mock, Kind.TOKEN), mock.requests().toString());
                        assertEquals(
                                "out_of_scope", site.get("lastReason").asText(), site.toString());
                        // the SDK's IMDS class alone, never its package, which holds its general
                        // HTTP clients
                        assertEquals(
                                perPath.size(),
                                run.agent()
                                        .linesContaining(
                                                "add 'com.amazonaws.internal.ConnectionUtils' to rewrite.callers")
                                        .size(),
                                run.stderr());
                    }
                }
                case "enforce" -> {
                    assertEquals(
                            0,
                            received(mock, Kind.V1),
                            "sent with a token IMDS refuses: " + mock.requests());
                    assertEquals(v1Calls, mock.stats().v2Rejected(), mock.stats().summary());
                    assertEquals(v1Calls, totals.get("blocked").asLong(), json.toString());
                }
                default -> throw new AssertionError(mode);
            }
            assertNoTokenLeak(mock, run, report);
            if (mode.equals("report") && tokens == HttpTokens.OPTIONAL) {
                // check repeats the coordinates and the fix for each site
                JvmResult check = AppJvm.agentCommand("check", report.toString()).run();
                assertEquals(1, check.exitCode(), check.describe());
                List<String> fixes =
                        check.stdoutLines().stream()
                                .filter(
                                        l ->
                                                l.equals(
                                                        "      fix: "
                                                                + UPGRADE
                                                                + ", then set system property com.amazonaws.sdk.disableEc2MetadataV1=true or environment"
                                                                + " AWS_EC2_METADATA_V1_DISABLED=true once the service runs clean"))
                                .toList();
                assertEquals(perPath.size(), fixes.size(), check.stdout());
                assertEquals(
                        perPath.size(),
                        check.stdoutLines().stream()
                                .filter(
                                        l ->
                                                l.startsWith("      archive=")
                                                        && l.endsWith(
                                                                "aws-java-sdk-core-1.11.600.jar coordinates="
                                                                        + SDK_CORE
                                                                        + " (from pom.properties)"))
                                .count(),
                        check.stdout());
            }

            // What the application saw: the mock's own data, or exactly the failure
            // HttpTokens=required causes.
            if (works) {
                assertEquals(
                        List.of(
                                "instance-id: " + INSTANCE_ID,
                                "region: " + REGION,
                                "region: " + REGION,
                                "credentials: " + MockRoleCredentials.accessKeyId(mock)),
                        results(run),
                        run.describe());
            } else {
                assertEquals(FAILED, results(run), run.describe());
            }
        }
    }

    /** The SDK's frames first, then the application's method that called the SDK, then main. */
    private static void assertApplicationBelowSdk(List<String> frames, String appMethod) {
        assertTrue(frames.get(0).startsWith(SDK_SITE), frames.toString());
        int sdk = indexOf(frames, "com.amazonaws.");
        int app = indexOf(frames, APP + "." + appMethod + "(");
        int main = indexOf(frames, APP + ".main(");
        assertTrue(0 <= sdk && sdk < app && app < main, frames.toString());
    }

    private static int indexOf(List<String> frames, String prefix) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
