package io.imdsguard.it.apps.metrics;

import io.imdsguard.it.apps.AppStreams;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.TimeUnit;

/**
 * A service with its own (unshaded) Micrometer, of whatever 1.x version its classpath holds, that
 * serves the global registry the way Spring Boot's /actuator/prometheus does: a Prometheus registry
 * added to {@code Metrics.globalRegistry}. It calls IMDS v1 from two places, then scrapes itself
 * until the agent's meters show all its calls (or WAIT_MS passed) and prints the {@code imds_}
 * lines.
 *
 * <p>Everything Micrometer is reached by reflection, so that one class runs against Micrometer 1.9
 * ({@code io.micrometer.prometheus}) and 1.13+ ({@code io.micrometer.prometheusmetrics}).
 *
 * <p>Arguments: {@code WAIT_MS}, and optionally the URL of the agent's own Prometheus endpoint:
 * then, before it scrapes itself, it waits (at most WAIT_MS) until the agent has counted all its
 * calls there and prints {@code the agent counted N calls}, so that an absence in its own scrape
 * afterwards means something. IMDS from {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}.
 */
public final class MicrometerScrapeApp {

    /** The IMDS reads main makes: two from instanceId, one from region. */
    private static final double CALLS = 3;

    public static void main(String[] args) throws Exception {
        long waitMillis = Long.parseLong(args[0]);
        Object prometheus = newPrometheusRegistry();
        Class<?> metrics = Class.forName("io.micrometer.core.instrument.Metrics");
        Class<?> registryType = Class.forName("io.micrometer.core.instrument.MeterRegistry");
        metrics.getMethod("addRegistry", registryType).invoke(null, prometheus);

        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        instanceId(endpoint);
        instanceId(endpoint);
        region(endpoint);
        if (args.length > 1) {
            awaitAgentCounted(args[1], waitMillis);
        }

        String scrape = "";
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (System.nanoTime() < deadline) {
            scrape = (String) prometheus.getClass().getMethod("scrape").invoke(prometheus);
            // The agent mirrors each of its meters into this registry as it is made, on a thread of
            // its own: wait until all three calls show, under both call sites.
            if (sum(scrape, "imds_v1_callsite_requests_total{") == CALLS
                    && sum(scrape, "imds_requests_total{") == CALLS
                    && scrape.contains("imds_v1_callsites{")) {
                break;
            }
            Thread.sleep(50);
        }
        for (String line : scrape.split("\n")) {
            if (line.startsWith("imds_") || line.startsWith("# TYPE imds_")) {
                System.out.println(line);
            }
        }
        System.out.println("done");
    }

    /**
     * Waits until the agent's own scrape shows every call; the event an absence elsewhere is tied
     * to.
     */
    private static void awaitAgentCounted(String agentMetrics, long waitMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            double counted = 0;
            try {
                counted = sum(read(agentMetrics), "imds_requests_total{");
            } catch (java.io.IOException notYet) {
                // the endpoint starts in the background
            }
            if (counted == CALLS) {
                System.out.println("the agent counted " + (long) counted + " calls");
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("the agent did not count the calls in time: " + counted);
                return;
            }
            Thread.sleep(50);
        }
    }

    private static String read(String url) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, read);
            }
            return new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The sum of the samples of the lines starting with {@code prefix}. */
    private static double sum(String scrape, String prefix) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static Object newPrometheusRegistry() throws Exception {
        for (String pkg :
                new String[] {"io.micrometer.prometheusmetrics", "io.micrometer.prometheus"}) {
            try {
                Class<?> type = Class.forName(pkg + ".PrometheusMeterRegistry");
                Class<?> config = Class.forName(pkg + ".PrometheusConfig");
                return type.getConstructor(config)
                        .newInstance(config.getField("DEFAULT").get(null));
            } catch (ClassNotFoundException e) {
                // the other generation
            }
        }
        throw new IllegalStateException("no Micrometer Prometheus registry on the classpath");
    }

    /** Each IMDS read has its own method: each is one call site. */
    static void instanceId(String endpoint) throws Exception {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        try (InputStream in = c.getInputStream()) {
            AppStreams.readAll(in);
        }
    }

    static void region(String endpoint) throws Exception {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/placement/region").openConnection();
        try (InputStream in = c.getInputStream()) {
            AppStreams.readAll(in);
        }
    }
}
