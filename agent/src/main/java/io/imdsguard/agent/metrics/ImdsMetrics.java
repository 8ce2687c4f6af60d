package io.imdsguard.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The agent's meters. They live in a composite registry so that exporters can be added after the
 * counting starts (Micrometer hands meters created earlier to registries added later). Every meter
 * carries the common tags {@code service} and {@code host}, set on the composite, so that every
 * exporter gets them.
 *
 * <p>A cumulative in-memory registry is always attached: it holds the values that readers outside
 * Micrometer's push/scrape model need (the application's own Micrometer, see
 * {@link ApplicationMicrometer}); a composite with no child would only hand out no-op meters.
 */
public final class ImdsMetrics {

    public static final String REQUESTS = "imds.requests";
    public static final String TOKEN_FETCHES = "imds.token.fetches";
    public static final String CALL_SITE_REQUESTS = CallSiteMeters.NAME;
    public static final String CALL_SITES = "imds.v1.callsites";
    public static final String REWRITE_LATENCY = "imds.rewrite.latency";

    /** The default of key {@code metrics.sites.max}. */
    public static final int DEFAULT_MAX_SITES = 100;

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final SimpleMeterRegistry values = new SimpleMeterRegistry(new SimpleConfig() {
        @Override
        public String get(String key) {
            return null;
        }

        @Override
        public CountingMode mode() {
            return CountingMode.CUMULATIVE;
        }
    }, io.micrometer.core.instrument.Clock.SYSTEM);
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<String, Counter>();
    private final CallSiteMeters callSites;
    private final Timer rewriteLatency;

    /** Meters tagged {@code service=unknown}, {@code host=unknown}: for tests that do not care. */
    public ImdsMetrics() {
        this("unknown", "unknown", DEFAULT_MAX_SITES);
    }

    /**
     * @param maxSites key {@code metrics.sites.max}: distinct call sites with their own series; the
     *                 rest count under {@code site=other}
     */
    public ImdsMetrics(String service, String host, int maxSites) {
        // Before the first meter: a filter only applies to meters registered after it.
        registry.config().commonTags("service", service, "host", host);
        registry.add(values);
        callSites = new CallSiteMeters(registry, maxSites);
        rewriteLatency = Timer.builder(REWRITE_LATENCY)
                .description("Time the agent spent getting the token for a rewritten v1 request, cache hits included")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The cumulative values of every agent meter, one registry whose meters can be read directly. */
    MeterRegistry values() {
        return values;
    }

    public void addRegistry(MeterRegistry exporter) {
        registry.add(exporter);
    }

    /**
     * Counts one IMDS request. Every tag value is bounded (a version, a client name, a path
     * category, an action, a reason), so a fleet's series count stays small whatever the requests
     * were. The tag keys never vary: Prometheus drops a meter whose keys differ from its siblings'.
     */
    public void countRequest(String version, String client, String pathCategory, String action, String reason) {
        String key = REQUESTS + '|' + version + '|' + client + '|' + pathCategory + '|' + action + '|' + reason;
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = register(key, Counter.builder(REQUESTS)
                    .description("HTTP requests to the EC2 Instance Metadata Service, by IMDS version")
                    .tag("version", version)
                    .tag("client", client)
                    .tag("path", pathCategory)
                    .tag("action", action)
                    .tag("reason", reason));
        }
        counter.increment();
    }

    /**
     * Counts one v1 request under its call site.
     *
     * @param site the first application frame as {@code class.method}
     */
    public void countCallSite(String site, String client, String action) {
        callSites.count(site, client, action);
    }

    /**
     * Publishes {@code imds.v1.callsites}: the number of distinct v1 call sites, read from
     * {@code source} whenever a registry asks.
     */
    public <T> void trackCallSites(T source, ToDoubleFunction<T> distinctSites) {
        Gauge.builder(CALL_SITES, source, distinctSites)
                .description("Distinct IMDSv1 call sites seen in this JVM")
                .strongReference(true)
                .register(registry);
    }

    /** Time spent getting the token for one rewritten request. */
    public void recordRewriteLatency(long nanos) {
        rewriteLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts one of the agent's own token requests: {@code success} or the failure's reason. */
    public void countTokenFetch(String outcome) {
        String key = TOKEN_FETCHES + '|' + outcome;
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = register(key, Counter.builder(TOKEN_FETCHES)
                    .description("The agent's own IMDSv2 token requests (rewrite mode), by outcome")
                    .tag("outcome", outcome));
        }
        counter.increment();
    }

    private Counter register(String key, Counter.Builder builder) {
        Counter counter = builder.register(registry);
        Counter raced = counters.putIfAbsent(key, counter);
        return raced != null ? raced : counter;
    }

    public static final String DIAGNOSES = "imds.diagnoses";

    /**
     * Counts occurrences of a diagnosis ({@code hop_limit}, {@code token_churn}) at a site, given as
     * {@code class.method}: a code location, so the series stay few (the diagnose package caps them).
     */
    public void countDiagnosis(String diagnosis, String site, long times) {
        String key = DIAGNOSES + '|' + diagnosis + '|' + site;
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = register(key, Counter.builder(DIAGNOSES)
                    .description("IMDS migration traps recognised in the application's requests, by diagnosis and"
                            + " call site")
                    .tag("diagnosis", diagnosis)
                    .tag("site", site));
        }
        counter.increment(times);
    }
}
