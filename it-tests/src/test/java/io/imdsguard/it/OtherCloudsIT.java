package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.multicloud.OtherCloudProbesApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-cloud library's Azure and Google probes beside the service's own IMDSv2 read: the probes
 * are reported as other clouds' requests with their call sites, never given the agent's token even
 * from a trusted caller in rewrite mode, and the service is READY.
 */
class OtherCloudsIT {

    private static final String APP = "io.imdsguard.it.apps.multicloud.OtherCloudProbesApp";

    @Test
    void otherCloudProbesAreReportedApartNeverRewrittenAndLeaveTheServiceReady(@TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.json");
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult run =
                    AppJvm.mainClass(OtherCloudProbesApp.class)
                            .withAgent(
                                    "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,service.name=multi,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(
                    List.of("azure: 404", "google: 404", "aws v2: 200 i-0123456789abcdef0", "done"),
                    run.stdoutLines(),
                    "as AWS answers them without the agent");

            List<ReceivedRequest> probes =
                    mock.requests().stream()
                            .filter(
                                    r ->
                                            r.path().startsWith("/metadata/")
                                                    || r.path().startsWith("/computeMetadata/"))
                            .collect(Collectors.toList());
            assertEquals(2, probes.size(), mock.requests().toString());
            assertTrue(
                    probes.stream().allMatch(r -> r.kind() == ReceivedRequest.Kind.V1),
                    "no token on a probe: " + probes);
            assertEquals(
                    1,
                    mock.stats().tokensIssued(),
                    "only the application's own token: " + mock.stats());

            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(0, totals.get("v1").asLong(), json.toString());
            assertEquals(0, totals.get("v1CallSites").asLong(), json.toString());
            assertEquals(0, totals.get("rewritten").asLong(), json.toString());
            assertEquals(2, totals.get("otherCloud").asLong(), json.toString());
            assertEquals(1, totals.get("v2").asLong(), json.toString());
            assertTrue(Reports.callSites(json).isEmpty(), json.toString());
            JsonNode others = json.get("otherCloudCalls");
            assertEquals(2, others.size(), others.toString());
            assertOtherCloud(others, "azure", APP + ".azureProbe(OtherCloudProbesApp.java:");
            assertOtherCloud(others, "google", APP + ".googleProbe(OtherCloudProbesApp.java:");
            assertTrue(
                    run.agent()
                                    .linesContaining(
                                            "Azure metadata request (not AWS IMDS) from "
                                                    + APP
                                                    + ".azureProbe")
                                    .size()
                            == 1,
                    run.stderr());
            assertTrue(run.agent().linesContaining("IMDSv1 call from").isEmpty(), run.stderr());
        }

        JvmResult check = AppJvm.agentCommand("check", report.toString()).run();
        assertEquals(0, check.exitCode(), check.describe());
        assertTrue(check.stdout().startsWith("READY"), check.stdout());
    }

    private static void assertOtherCloud(JsonNode others, String cloud, String sitePrefix) {
        for (JsonNode entry : others) {
            if (entry.get("cloud").asText().equals(cloud)) {
                assertTrue(entry.get("site").asText().startsWith(sitePrefix), entry.toString());
                assertEquals("HttpURLConnection", entry.get("client").asText(), entry.toString());
                assertEquals(1, entry.get("count").asLong(), entry.toString());
                return;
            }
        }
        throw new AssertionError("no " + cloud + " entry in " + others);
    }
}
