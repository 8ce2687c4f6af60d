package io.imdsguard.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.metrics.MicrometerScrapeApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service with its own Micrometer that serves {@code Metrics.globalRegistry} to Prometheus (as
 * Spring Boot's /actuator/prometheus does) shows the agent's meters there, whatever its Micrometer
 * version, and not with {@code metrics.global=false}.
 */
class ApplicationMicrometerIT {

    private static final String SITE = "io.imdsguard.it.apps.metrics.MicrometerScrapeApp.";

    @ParameterizedTest
    @ValueSource(strings = {"micrometer-1.17", "micrometer-1.9"})
    void theApplicationsOwnScrapeShowsTheAgentsMeters(String micrometer) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult result =
                    AppJvm.mainClassWithLibraries(micrometer, MicrometerScrapeApp.class, "20000")
                            .withAgent("service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("HOSTNAME", "ip-10-1-2-3")
                            .run();
            assertEquals(0, result.exitCode(), result.describe());
            assertFalse(result.stderr().contains("cannot"), result.stderr());
            assertEquals(
                    1,
                    result.agent()
                            .linesContaining(
                                    "the agent's meters are also in the application's "
                                            + "Micrometer")
                            .size(),
                    result.stderr());
            PrometheusText scrape = PrometheusText.of(result.stdout());

            Map<String, Double> requests = scrape.samplesWithAllLabels("imds_requests_total");
            assertEquals(
                    Map.of(
                            "action=observed,client=HttpURLConnection,host=ip-10-1-2-3,path=meta-data,reason=none,"
                                    + "service=billing,version=v1",
                            3.0),
                    requests,
                    result.stdout());
            Map<String, Double> sites = scrape.samples("imds_v1_callsite_requests_total");
            assertEquals(
                    Map.of(
                            "action=observed,client=HttpURLConnection,site=" + SITE + "instanceId",
                                    2.0,
                            "action=observed,client=HttpURLConnection,site=" + SITE + "region",
                                    1.0),
                    sites,
                    result.stdout());
            assertEquals(2.0, scrape.samples("imds_v1_callsites").get(""), result.stdout());
            assertTrue(
                    result.stdout().contains("# TYPE imds_requests_total counter"),
                    result.stdout());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"micrometer-1.17", "micrometer-1.9"})
    void metricsGlobalFalseLeavesTheApplicationsRegistryAlone(String micrometer) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            // The absence is looked for only once the agent's own endpoint has counted every call,
            // and then for 2 s more: a mirror would by then show them, as the test above sees.
            int port = FreePort.find();
            JvmResult result =
                    AppJvm.mainClassWithLibraries(
                                    micrometer,
                                    MicrometerScrapeApp.class,
                                    "2000",
                                    "http://127.0.0.1:" + port + "/metrics")
                            .withAgent("metrics.global=false,prometheus.port=" + port)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, result.exitCode(), result.describe());
            List<String> lines = result.stdoutLines();
            assertTrue(
                    lines.contains("the agent counted 3 calls"),
                    "the agent's meters existed first: " + result.describe());
            assertEquals("done", lines.get(lines.size() - 1), result.describe());
            assertFalse(result.stdout().contains("imds_"), result.stdout());
            assertEquals(
                    2,
                    result.agent().firstSights().size(),
                    "the agent itself still sees both call sites\n" + result.stderr());
        }
    }
}
