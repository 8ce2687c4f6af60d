package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mode=enforce: in staging, every v1 call fails now exactly as it will after HttpTokens=required.
 */
class EnforceIT {

    @Test
    void eachJdkClientSeesTheSame401AsUnderHttpTokensRequiredAndV2StillWorks(@TempDir Path dir)
            throws Exception {
        Map<String, String> required;
        try (MockImds requiredImds = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            required =
                    lines(
                            AppJvm.mainClass(JdkClientsApp.class, "1")
                                    .env(
                                            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                            requiredImds.endpoint())
                                    .run(),
                            requiredImds);
        }
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .withAgent("mode=enforce,report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            Map<String, String> enforced = lines(run, mock);

            assertEquals(
                    required,
                    enforced,
                    "an optional instance with enforce behaves as a required one");
            assertTrue(
                    enforced.get("v1 HttpURLConnection").contains("HTTP response code: 401"),
                    enforced.toString());
            assertTrue(
                    enforced.get("v1 URL.openStream").contains("HTTP response code: 401"),
                    enforced.toString());
            int v1Calls = JdkClientsApp.v1Sites(AppJava.feature());
            if (AppJava.feature() >= 11) {
                assertTrue(
                        enforced.get("v1 HttpClient.send").startsWith("401 "), enforced.toString());
                assertTrue(
                        enforced.get("v1 HttpClient.sendAsync").startsWith("401 "),
                        enforced.toString());
                assertTrue(enforced.get("v2 HttpClient").startsWith("200 "), enforced.toString());
            }
            assertTrue(
                    enforced.get("v2 HttpURLConnection").startsWith("200 "), enforced.toString());

            ImdsStats stats = mock.stats();
            assertEquals(
                    0,
                    stats.v1Served() + stats.v1Rejected(),
                    "no v1 request reached IMDS: " + stats);
            assertEquals(
                    v1Calls, stats.v2Rejected(), "IMDS itself refused the blocked calls: " + stats);
            JsonNode json = Reports.read(report);
            assertEquals("enforce", json.get("mode").asText());
            assertEquals(v1Calls, json.get("totals").get("blocked").asLong());
            List<String> blocked = run.agent().linesContaining("action=blocked");
            assertEquals(v1Calls, blocked.size(), run.stderr());
            assertTrue(
                    blocked.get(0).contains("as HttpTokens=required will refuse it"),
                    blocked.get(0));
        }
    }

    /** Each call's result line, with the mock's port taken out so that two runs compare. */
    private static Map<String, String> lines(JvmResult run, MockImds mock) {
        return run.stdoutLines().stream()
                .filter(l -> l.contains(": ") && !l.equals("done"))
                .collect(
                        Collectors.toMap(
                                l -> l.substring(0, l.indexOf(": ")),
                                l ->
                                        l.substring(l.indexOf(": ") + 2)
                                                .replace(String.valueOf(mock.port()), "PORT"),
                                (a, b) -> a,
                                java.util.TreeMap::new));
    }
}
