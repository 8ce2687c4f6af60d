package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built-in scrape endpoint shows exactly the calls the application made, and never keeps it
 * alive.
 */
class PrometheusEndpointIT {

    private static final int REPS = 2;

    @Test
    void scrapeCountsMatchTheCallsMadeAndWhatReachedImds() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            int port = FreePort.find();
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, String.valueOf(REPS), "--hold")
                            .withAgent("prometheus.port=" + port)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("done");
            awaitAgentLine(app, "Prometheus metrics at http://127.0.0.1:" + port + "/metrics");

            PrometheusText scrape = PrometheusText.scrape("http://127.0.0.1:" + port + "/metrics");
            Map<String, Double> requests = scrape.samples("imds_requests_total");
            String observed = "action=observed,client=";
            assertEquals(
                    2.0 * REPS,
                    requests.get(
                            observed + "HttpURLConnection,path=meta-data,reason=none,version=v1"),
                    scrape.text());
            assertEquals(
                    1.0 * REPS,
                    requests.get(
                            observed
                                    + "java.net.http.HttpClient,path=credentials,reason=none,version=v1"),
                    scrape.text());
            assertEquals(
                    1.0 * REPS,
                    requests.get(
                            observed
                                    + "java.net.http.HttpClient,path=identity,reason=none,version=v1"),
                    scrape.text());
            assertEquals(
                    1.0 * REPS,
                    requests.get(
                            observed
                                    + "java.net.http.HttpClient,path=meta-data,reason=none,version=v2"),
                    scrape.text());
            assertEquals(
                    1.0 * REPS,
                    requests.get(
                            observed + "HttpURLConnection,path=meta-data,reason=none,version=v2"),
                    scrape.text());
            assertEquals(
                    1.0,
                    requests.get(
                            observed
                                    + "java.net.http.HttpClient,path=token,reason=none,version=token"),
                    scrape.text());
            assertEquals(6, requests.size(), "no other series: " + requests);

            ImdsStats stats = mock.stats();
            double v1 =
                    requests.entrySet().stream()
                            .filter(e -> e.getKey().endsWith("version=v1"))
                            .mapToDouble(Map.Entry::getValue)
                            .sum();
            double v2 =
                    requests.entrySet().stream()
                            .filter(e -> e.getKey().endsWith("version=v2"))
                            .mapToDouble(Map.Entry::getValue)
                            .sum();
            assertEquals(stats.v1Served(), (long) v1);
            assertEquals(stats.v2Served(), (long) v2);
            assertTrue(scrape.text().contains("# TYPE imds_requests_total counter"), scrape.text());

            app.sendLine("");
            JvmResult result = app.finish();
            assertEquals(
                    0,
                    result.exitCode(),
                    "the endpoint's threads must not keep the JVM alive\n" + result.describe());
        }
    }

    @Test
    void everySeriesNamesServiceAndHostAndEachV1CallSiteHasOneUntilMetricsSitesMax()
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            int port = FreePort.find();
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, String.valueOf(REPS), "--hold")
                            .withAgent(
                                    "prometheus.port="
                                            + port
                                            + ",service.name=billing,metrics.sites.max=2")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("HOSTNAME", "ip-10-1-2-3")
                            .start();
            app.awaitStdout("done");
            awaitAgentLine(app, "Prometheus metrics at http://127.0.0.1:" + port + "/metrics");
            PrometheusText scrape = PrometheusText.scrape("http://127.0.0.1:" + port + "/metrics");
            app.sendLine("");
            assertEquals(0, app.finish().exitCode());

            for (String metric :
                    new String[] {
                        "imds_requests_total",
                        "imds_v1_callsite_requests_total",
                        "imds_v1_callsites"
                    }) {
                Map<String, Double> all = scrape.samplesWithAllLabels(metric);
                assertTrue(!all.isEmpty(), metric + "\n" + scrape.text());
                for (String labels : all.keySet()) {
                    assertTrue(
                            labels.contains("host=ip-10-1-2-3")
                                    && labels.contains("service=billing"),
                            metric + "{" + labels + "}");
                }
            }
            // JdkClientsApp's four v1 call sites, in the order it calls them: the first two keep
            // their
            // own series, the other two count under site=other.
            String app2 = "io.imdsguard.it.apps.JdkClientsApp.";
            Map<String, Double> sites = scrape.samples("imds_v1_callsite_requests_total");
            assertEquals(
                    Map.of(
                            "action=observed,client=HttpURLConnection,site="
                                    + app2
                                    + "v1ViaHttpUrlConnection",
                            1.0 * REPS,
                            "action=observed,client=HttpURLConnection,site="
                                    + app2
                                    + "v1ViaOpenStream",
                            1.0 * REPS,
                            "action=observed,client=java.net.http.HttpClient,site=other",
                            2.0 * REPS),
                    sites,
                    scrape.text());
            assertEquals(
                    4.0,
                    scrape.samples("imds_v1_callsites").get(""),
                    "the gauge counts every distinct site, also those folded into 'other'\n"
                            + scrape.text());
        }
    }

    @Test
    void aHalfSentRequestHeldOpenDoesNotStallAScrapeAndOnlyMetricsIsServed() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            int port = FreePort.find();
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent("prometheus.port=" + port)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("done");
            awaitAgentLine(app, "Prometheus metrics at http://127.0.0.1:" + port + "/metrics");

            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (Socket stalled = new Socket("127.0.0.1", port)) {
                stalled.getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
                stalled.getOutputStream().flush();
                // Each scrape must answer within 3 s, less than the 5 s after which the endpoint
                // drops the stalled
                // head: a scrape queued behind the stalled connection fails here rather than
                // passing late.
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> scrape = get(client, port, "/metrics?x=" + i);
                    assertEquals(200, scrape.statusCode());
                    assertTrue(
                            scrape.body().contains("# TYPE imds_requests_total counter"),
                            scrape.body());
                }
            }
            for (String path : new String[] {"/", "/metricsX", "/metrics/x", "/favicon.ico"}) {
                HttpResponse<String> answer = get(client, port, path);
                assertEquals(404, answer.statusCode(), path);
                assertEquals("", answer.body(), path);
            }
            app.sendLine("");
            assertEquals(0, app.finish().exitCode());
        }
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitAgentLine(AppJvm.Running app, String text)
            throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!app.stderr().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + text + "' from the agent:\n" + app.stderr());
            }
            Thread.sleep(20);
        }
    }
}
