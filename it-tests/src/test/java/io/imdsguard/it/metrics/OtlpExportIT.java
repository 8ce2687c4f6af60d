package io.imdsguard.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.Await;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With {@code otlp.endpoint}, the agent pushes its meters to an OpenTelemetry collector over
 * OTLP/HTTP; here a loopback server stands in for the collector and decodes the protobuf.
 */
class OtlpExportIT {

    @Test
    void theCollectorReceivesTheRequestsAndCallSitesWithServiceAndHost() throws Exception {
        try (MockImds mock = MockImds.builder().start();
                Collector collector = new Collector()) {
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent(
                                    "otlp.endpoint="
                                            + collector.url()
                                            + ",otlp.interval=1s,service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("HOSTNAME", "ip-10-1-2-3")
                            .start();
            app.awaitStdout("done");
            AgentLines.await(
                    app, "pushing metrics over OTLP to " + collector.url() + " every 1.0 s");
            app.sendLine("");
            JvmResult result = app.finish();
            assertEquals(
                    0,
                    result.exitCode(),
                    "the exporter must not keep the JVM alive\n" + result.describe());
            assertFalse(result.stderr().contains("internal error"), result.stderr());
            assertFalse(result.stderr().contains("cannot push"), result.stderr());
            assertEquals(
                    "",
                    result.applicationStderr(),
                    "the exporter writes nothing into the application's "
                            + "output (no JVM warning either, e.g. about sun.misc.Unsafe on JDK 24+)");

            // The last push, at exit, holds the final cumulative values.
            ExportMetricsServiceRequest last = collector.last();
            ResourceMetrics resource = last.getResourceMetrics(0);
            assertEquals(
                    "billing",
                    attributes(resource.getResource().getAttributesList()).get("service.name"));

            Map<String, Double> requests = points(last, "imds.requests");
            assertEquals(
                    2.0,
                    requests.get(
                            "action=observed,client=HttpURLConnection,host=ip-10-1-2-3,path=meta-data,"
                                    + "reason=none,service=billing,version=v1"),
                    requests.toString());
            double v1 =
                    requests.entrySet().stream()
                            .filter(e -> e.getKey().endsWith("version=v1"))
                            .mapToDouble(Map.Entry::getValue)
                            .sum();
            assertEquals(
                    4.0,
                    v1,
                    "exactly the application's v1 calls; the pushes themselves are no IMDS traffic: "
                            + requests);
            assertEquals(mock.stats().v1Served(), (long) v1);

            Map<String, Double> sites = points(last, "imds.v1.callsite.requests");
            String app2 = "io.imdsguard.it.apps.JdkClientsApp.";
            assertEquals(
                    1.0,
                    sites.get(
                            "action=observed,client=java.net.http.HttpClient,host=ip-10-1-2-3,"
                                    + "service=billing,site="
                                    + app2
                                    + "v1ViaHttpClientSendAsync"),
                    sites.toString());
            assertEquals(4, sites.size(), "one series per v1 call site: " + sites);
            assertEquals(
                    4.0, points(last, "imds.v1.callsites").get("host=ip-10-1-2-3,service=billing"));
        }
    }

    /**
     * A collector that answers every push with 503 (down behind its load balancer): the agent says
     * so once, yet retries at every step, which the test waits to see happen before it looks.
     */
    @Test
    void aFailingCollectorIsReportedOnceWhileEveryStepRetriesAndTheApplicationIsUnaffected()
            throws Exception {
        try (MockImds mock = MockImds.builder().start();
                Collector collector = new Collector(503)) {
            String url = collector.url();
            JvmResult reference =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent("otlp.endpoint=" + url + ",otlp.interval=1s")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("done");
            AgentLines.await(app, "cannot push metrics to " + url + " (key 'otlp.endpoint')");
            int failedBefore = collector.attempts();
            Await.until(
                    "two more pushes after the first failure, each failing again",
                    () -> collector.attempts() >= failedBefore + 2,
                    app::stderr);
            app.sendLine("");
            JvmResult result = app.finish();

            assertEquals(0, result.exitCode(), result.describe());
            assertEquals(reference.stdout(), result.stdout());
            assertEquals("", result.applicationStderr());
            assertTrue(collector.attempts() >= 3, "pushes: " + collector.attempts());
            List<String> said = result.agent().linesContaining("cannot push metrics");
            assertEquals(
                    1,
                    said.size(),
                    "said once over "
                            + collector.attempts()
                            + " failed pushes: "
                            + result.stderr());
            assertTrue(said.get(0).contains("503"), said.get(0));
            assertTrue(
                    result.agent()
                            .linesContaining("pushing metrics to " + url + " again")
                            .isEmpty(),
                    result.stderr());
            // The one line names the (shaded) Micrometer exception; no other line mentions
            // Micrometer.
            assertEquals(
                    said,
                    result.agent().linesContaining("micrometer"),
                    "no repeated warning of Micrometer's own: " + result.stderr());
        }
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> map = new TreeMap<>();
        for (KeyValue kv : attributes) {
            map.put(kv.getKey(), kv.getValue().getStringValue());
        }
        return map;
    }

    /**
     * The data points of one metric (sum or gauge), keyed by their sorted attributes {@code
     * k=v,k=v}.
     */
    private static Map<String, Double> points(ExportMetricsServiceRequest request, String name) {
        Map<String, Double> points = new TreeMap<>();
        for (ResourceMetrics resource : request.getResourceMetricsList()) {
            for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                for (Metric metric : scope.getMetricsList()) {
                    if (!metric.getName().equals(name)) {
                        continue;
                    }
                    List<NumberDataPoint> data =
                            metric.hasSum()
                                    ? metric.getSum().getDataPointsList()
                                    : metric.getGauge().getDataPointsList();
                    for (NumberDataPoint point : data) {
                        String key =
                                attributes(point.getAttributesList()).entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(Collectors.joining(","));
                        points.put(
                                key, point.hasAsDouble() ? point.getAsDouble() : point.getAsInt());
                    }
                }
            }
        }
        return points;
    }

    /**
     * A loopback OTLP/HTTP receiver: decodes each push and answers as a collector does, with 200 or
     * the status it is given, and counts every push it answered.
     */
    private static final class Collector implements AutoCloseable {
        private final HttpServer server;
        private final List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
        private final AtomicInteger attempts = new AtomicInteger();

        Collector() throws IOException {
            this(200);
        }

        Collector(int status) throws IOException {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/v1/metrics",
                    exchange -> {
                        try {
                            received.add(
                                    ExportMetricsServiceRequest.parseFrom(
                                            exchange.getRequestBody().readAllBytes()));
                            exchange.getResponseHeaders()
                                    .set("Content-Type", "application/x-protobuf");
                            exchange.sendResponseHeaders(status, -1);
                            attempts.incrementAndGet();
                        } finally {
                            exchange.close();
                        }
                    });
            server.start();
        }

        int attempts() {
            return attempts.get();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
        }

        ExportMetricsServiceRequest last() {
            assertFalse(received.isEmpty(), "the collector received no push");
            return new ArrayList<>(received).get(received.size() - 1);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
