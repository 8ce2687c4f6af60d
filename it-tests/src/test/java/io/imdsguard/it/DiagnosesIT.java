package io.imdsguard.it;

import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.assertNoTokenLeak;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.received;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.results;
import static io.imdsguard.it.apps.libraries.awssdk.SdkTestSupport.sdkApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.diagnose.DiagnosesApp;
import io.imdsguard.it.apps.libraries.awssdk.AwsSdkV1App;
import io.imdsguard.it.apps.libraries.awssdk.AwsSdkV2App;
import io.imdsguard.it.apps.libraries.awssdk.MockRoleCredentials;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two migration traps the agent names by their signature, seen end to end: real JVMs with the
 * agent, the AWS SDK for Java v1 1.12 or hand-written clients, against the mock IMDS. What a user
 * sees is asserted: the log line, the report's {@code diagnoses}, and {@code imds_diagnoses_total}.
 */
class DiagnosesIT {

    private static final String SDK_V1 = "aws-sdk-v1-1.12";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    private static final String READER = "io.imdsguard.it.apps.diagnose.ImdsReader";
    private static final String HOP_LIMIT_ADVICE =
            "raise HttpPutResponseHopLimit to 2 (aws ec2"
                    + " modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2), or use host"
                    + " networking";

    // --- hop limit -------------------------------------------------------------------------------

    /**
     * The SDK's token PUT goes unanswered (hop limit 1 from a container); it falls back to v1 and
     * still gets the credentials. In rewrite mode the agent's own PUT goes unanswered too, and is
     * never counted as the application's.
     */
    @ParameterizedTest(name = "mode={0}")
    @ValueSource(strings = {"report", "rewrite"})
    void theSdksFallbackAfterAnUnansweredTokenPutIsDiagnosedAsTheHopLimit(
            String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setBlackHoleTokenRequests(true);
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            SDK_V1, AwsSdkV1App.class, "credentials"),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .withAgent("mode=" + mode + ",report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            mock.setBlackHoleTokenRequests(false);
            assertEquals(
                    List.of("credentials: " + MockRoleCredentials.accessKeyId(mock)),
                    results(run),
                    "the SDK still gets its data, through v1: " + run.describe());

            JsonNode json = Reports.read(report);
            JsonNode d = only(json.get("diagnoses"));
            assertEquals("hop-limit", d.get("kind").asText(), d.toString());
            String site = d.get("site").asText();
            assertTrue(site.startsWith("com.amazonaws.internal."), site);
            assertEquals(
                    site,
                    Reports.callSites(json).get(0).get("site").asText(),
                    "the site is the v1 call site the report lists");
            assertEquals("HttpURLConnection", d.get("client").asText());
            assertEquals(
                    2,
                    d.get("count").asLong(),
                    "role list and credentials, each after a failed PUT: " + d);
            assertEquals(2, d.get("tokens").asLong(), "only the application's PUTs: " + d);
            assertEquals("timeout", d.get("failure").asText());
            assertEquals(HOP_LIMIT_ADVICE, d.get("advice").asText());

            String line = only(run.agent().linesContaining("diagnosis hop-limit"));
            assertTrue(
                    line.startsWith(
                            "diagnosis hop-limit at "
                                    + site
                                    + ": client=HttpURLConnection failure=timeout service=AwsSdkV1App pid="),
                    line);
            assertTrue(line.contains(HOP_LIMIT_ADVICE), line);
            if (mode.equals("rewrite")) {
                assertTrue(
                        received(mock, Kind.TOKEN) > 2,
                        "the agent's own PUT was made too: " + mock.requests());
            }
            assertNoTokenLeak(mock, run, report);
        }
    }

    /**
     * SDK v2's credentials provider: one unanswered PUT, then v1 for the role list and the
     * credentials. One failed PUT explains one fallback, so it counts once.
     */
    @Test
    void theSdkV2CredentialsProvidersFallbackIsDiagnosedAsTheHopLimit(@TempDir Path dir)
            throws Exception {
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
            mock.setBlackHoleTokenRequests(false);
            assertEquals(
                    List.of("credentials: " + MockRoleCredentials.accessKeyId(mock)),
                    results(run),
                    run.describe());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("hop-limit", d.get("kind").asText(), d.toString());
            assertTrue(
                    d.get("site")
                            .asText()
                            .startsWith(
                                    "software.amazon.awssdk.regions.internal.util.ConnectionUtils."),
                    d.toString());
            assertEquals(1, d.get("count").asLong(), d.toString());
            assertEquals("timeout", d.get("failure").asText());
            assertEquals(HOP_LIMIT_ADVICE, d.get("advice").asText());
            only(run.agent().linesContaining("diagnosis hop-limit at software.amazon.awssdk."));
        }
    }

    /** A hand-written client on HttpURLConnection, the same habit; every fallback is counted. */
    @Test
    void aHandWrittenFallbackIsDiagnosedInTheLogTheReportAndTheMetrics(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setBlackHoleTokenRequests(true);
            Path report = dir.resolve("report.json");
            Held held = runHeld(mock, "report=" + report, "fallback", "3");
            assertEquals(
                    List.of("read: " + INSTANCE_ID, "read: " + INSTANCE_ID, "read: " + INSTANCE_ID),
                    reads(held.run),
                    held.run.describe());
            assertEquals(3, received(mock, Kind.V1), mock.requests().toString());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("hop-limit", d.get("kind").asText());
            assertTrue(
                    d.get("site").asText().startsWith(READER + ".read(ImdsReader.java:"),
                    d.toString());
            assertEquals(3, d.get("count").asLong(), d.toString());
            assertEquals("timeout", d.get("failure").asText());

            String line = only(held.run.agent().linesContaining("diagnosis hop-limit"));
            assertTrue(line.contains(" at " + READER + ".read(ImdsReader.java:"), line);
            assertTrue(line.contains("service=DiagnosesApp pid="), line);

            assertEquals(
                    3.0,
                    diagnosisCount(held.scrape, "hop_limit", READER + ".read"),
                    held.scrape.text());
        }
    }

    /** java.net.http: the PUT's HttpTimeoutException, then a v1 GET from the same code. */
    @Test
    void theSameHabitOnJavaNetHttpIsDiagnosedToo(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setBlackHoleTokenRequests(true);
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, "report=" + report, "jdk-fallback", "2").run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(
                    List.of("read: " + INSTANCE_ID, "read: " + INSTANCE_ID),
                    reads(run),
                    run.describe());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("hop-limit", d.get("kind").asText());
            assertEquals("java.net.http.HttpClient", d.get("client").asText());
            assertTrue(
                    d.get("site")
                            .asText()
                            .startsWith(
                                    DiagnosesApp.class.getName()
                                            + "$JdkImdsReader.readWithFallback("),
                    d.toString());
            assertEquals(2, d.get("count").asLong(), d.toString());
            assertEquals("timeout", d.get("failure").asText());
        }
    }

    /** A token endpoint that answers 403 (IMDS off, or a proxy) is the same symptom, told apart. */
    @Test
    void aRefusedTokenPutIsToldApartFromTheHopLimit(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            mock.setEndpointEnabled(false);
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, "report=" + report, "fallback", "1").run();
            assertEquals(0, run.exitCode(), run.describe());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("status 403", d.get("failure").asText(), d.toString());
            assertTrue(d.get("advice").asText().contains("not the hop limit"), d.toString());
            String line = only(run.agent().linesContaining("diagnosis hop-limit"));
            assertTrue(line.contains("failure=status_403"), line);
            assertFalse(line.contains("raise HttpPutResponseHopLimit"), line);
        }
    }

    /** When the PUT succeeds the same code reads with its token: nothing to diagnose. */
    @Test
    void noDiagnosisWhenTheTokenPutSucceeds(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, "report=" + report, "fallback", "3").run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(3, mock.stats().v2Served(), mock.stats().summary());
            assertNothingDiagnosed(run, report);
        }
    }

    // --- token churn -----------------------------------------------------------------------------

    /** SDK v1 1.12 fetches a token for every read: the mock sees it, and so does the agent. */
    @Test
    void theSdkV1TokenPerReadIsDiagnosedAsChurn(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    sdkApp(
                                    AppJvm.mainClassWithLibraries(
                                            SDK_V1,
                                            AwsSdkV1App.class,
                                            "instance-id",
                                            "region",
                                            "region",
                                            "region",
                                            "region",
                                            "credentials"),
                                    mock,
                                    dir,
                                    AwsSdkV1App.ENDPOINT_PROPERTY)
                            .withAgent("report=" + report)
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            // instance-id, 4 x identity document, role list, role credentials: 7 reads, a PUT
            // before each
            long tokens = received(mock, Kind.TOKEN);
            assertEquals(7, mock.stats().v2Served(), mock.stats().summary());
            assertEquals(7, tokens, mock.requests().toString());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("token-churn", d.get("kind").asText(), d.toString());
            String site = d.get("site").asText();
            assertTrue(site.startsWith("com.amazonaws.internal."), site);
            assertEquals(7, d.get("tokens").asLong(), d.toString());
            assertEquals(7, d.get("reads").asLong(), d.toString());
            assertEquals(1.0, d.get("tokensPerRead").asDouble(), 1e-9, d.toString());
            assertEquals(7, d.get("count").asLong(), d.toString());
            assertTrue(d.get("failure").isNull(), d.toString());

            String line = only(run.agent().linesContaining("diagnosis token-churn"));
            assertTrue(
                    line.startsWith(
                            "diagnosis token-churn at "
                                    + site
                                    + ": client=HttpURLConnection tokens=5 reads=5 tokens-per-read=1.00 service=AwsSdkV1App pid="),
                    line);
            assertTrue(line.contains("reuse the IMDSv2 token"), line);
            assertNoTokenLeak(mock, run, report);
        }
    }

    @Test
    void aHandWrittenTokenPerReadIsChurnInTheLogTheReportAndTheMetrics(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            Held held = runHeld(mock, "report=" + report, "churn", "8");
            assertEquals(8, reads(held.run).size(), held.run.describe());
            assertEquals(8, received(mock, Kind.TOKEN), mock.requests().toString());

            JsonNode d = only(Reports.read(report).get("diagnoses"));
            assertEquals("token-churn", d.get("kind").asText());
            assertTrue(
                    d.get("site").asText().startsWith(READER + ".token(ImdsReader.java:"),
                    d.toString());
            assertEquals(8, d.get("tokens").asLong(), d.toString());
            assertEquals(8, d.get("reads").asLong(), d.toString());
            assertEquals(1.0, d.get("tokensPerRead").asDouble(), 1e-9, d.toString());

            String line = only(held.run.agent().linesContaining("diagnosis token-churn"));
            assertTrue(line.contains(" at " + READER + ".token(ImdsReader.java:"), line);
            assertTrue(line.contains("tokens-per-read=1.00 service=DiagnosesApp pid="), line);

            assertEquals(
                    8.0,
                    diagnosisCount(held.scrape, "token_churn", READER + ".token"),
                    held.scrape.text());
        }
    }

    /** A client that caches its token: one PUT, many reads, no churn. */
    @Test
    void aCachedTokenIsNotChurn(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, "report=" + report, "cached", "10").run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(10, mock.stats().v2Served(), mock.stats().summary());
            assertEquals(1, received(mock, Kind.TOKEN));
            assertNothingDiagnosed(run, report);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private record Held(JvmResult run, PrometheusText scrape) {}

    private static AppJvm app(MockImds mock, String agentArguments, String... args) {
        return AppJvm.mainClass(DiagnosesApp.class, args)
                .withAgent(agentArguments)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
    }

    /**
     * Runs the app with a Prometheus endpoint, scrapes it once the app is done, then lets it exit.
     */
    private static Held runHeld(MockImds mock, String agentArguments, String step, String count)
            throws Exception {
        int port = FreePort.find();
        AppJvm.Running running =
                app(mock, agentArguments + ",prometheus.port=" + port, step, count, "--hold")
                        .start();
        running.awaitStdout("done");
        String url = "http://127.0.0.1:" + port + "/metrics";
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!running.stderr().contains("Prometheus metrics at " + url)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no Prometheus endpoint:\n" + running.stderr());
            }
            Thread.sleep(20);
        }
        PrometheusText scrape = PrometheusText.scrape(url);
        running.sendLine("");
        JvmResult run = running.finish();
        assertEquals(0, run.exitCode(), run.describe());
        return new Held(run, scrape);
    }

    /**
     * The sum over the series of {@code imds_diagnoses_total} with these two labels, whatever the
     * common tags.
     */
    private static double diagnosisCount(PrometheusText scrape, String diagnosis, String site) {
        double sum = 0;
        int series = 0;
        for (Map.Entry<String, Double> sample : scrape.samples("imds_diagnoses_total").entrySet()) {
            List<String> labels = List.of(sample.getKey().split(","));
            if (labels.contains("diagnosis=" + diagnosis) && labels.contains("site=" + site)) {
                sum += sample.getValue();
                series++;
            }
        }
        assertEquals(
                1, series, "one series for " + diagnosis + " at " + site + ": " + scrape.text());
        return sum;
    }

    private static void assertNothingDiagnosed(JvmResult run, Path report) throws Exception {
        assertEquals(
                0, Reports.read(report).get("diagnoses").size(), Reports.read(report).toString());
        assertEquals(List.of(), run.agent().linesContaining("diagnosis "), run.stderr());
    }

    private static List<String> reads(JvmResult run) {
        List<String> reads = new ArrayList<>();
        for (String line : run.stdoutLines()) {
            if (line.startsWith("read: ")) {
                reads.add(line);
            }
        }
        return reads;
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private static JsonNode only(JsonNode array) {
        assertTrue(array.isArray(), String.valueOf(array));
        assertEquals(1, array.size(), array.toString());
        return array.get(0);
    }
}
