package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The agent's meters. They live in one cumulative in-memory registry, which counting touches and
 * nothing else (an increment is a map lookup and an atomic add). Every meter carries the common
 * tags {@code service} and {@code host}. Exporters (Prometheus, OTLP, StatsD, JMX, the
 * application's own Micrometer) are attached later and read these values through {@link
 * MeterMirror}: each sees every request since the JVM started, whenever it was attached.
 */
public final class ImdsMetrics implements TokenMetrics {

    public static final String REQUESTS = "imds.requests";
    public static final String TOKEN_FETCHES = "imds.token.fetches";
    public static final String CALL_SITE_REQUESTS = CallSiteMeters.NAME;
    public static final String CALL_SITES = "imds.v1.callsites";
    public static final String REWRITE_LATENCY = "imds.rewrite.latency";
    public static final String DIAGNOSES = "imds.diagnoses";

    /** The default of key {@code metrics.sites.max}. */
    public static final int DEFAULT_MAX_SITES = 100;

    private final String service;
    private final String host;
    private final int maxSites;
    private final AgentLog log;

    /**
     * Made on first use, not in premain: Micrometer is a hundred classes the JVM's start-up need
     * not load.
     */
    private volatile Meters meters;

    private Object callSiteSource;
    private ToDoubleFunction<Object> distinctSites;

    /** Meters tagged {@code service=unknown}, {@code host=unknown}: for tests that do not care. */
    public ImdsMetrics() {
        this("unknown", "unknown", DEFAULT_MAX_SITES, null);
    }

    /**
     * @param maxSites key {@code metrics.sites.max}: distinct call sites with their own series; the
     *     rest count under {@code site=other}
     * @param log where a failure to export one meter is said, once; null in tests
     */
    public ImdsMetrics(String service, String host, int maxSites, AgentLog log) {
        this.service = service;
        this.host = host;
        this.maxSites = maxSites;
        this.log = log;
    }

    private Meters meters() {
        Meters current = meters;
        if (current == null) {
            synchronized (this) {
                current = meters;
                if (current == null) {
                    current = new Meters(service, host, maxSites);
                    if (callSiteSource != null) {
                        current.trackCallSites(callSiteSource, distinctSites);
                    }
                    meters = current;
                }
            }
        }
        return current;
    }

    /** The agent's cumulative meters, read directly. */
    public MeterRegistry registry() {
        return meters().registry;
    }

    /**
     * Shows every agent meter, from the JVM's start, in {@code exporter}, and the meters created
     * later.
     */
    public void addRegistry(MeterRegistry exporter) {
        Meters current = meters();
        MeterMirror.attach(current.registry, exporter, current.latencyTimers, log);
    }

    /**
     * Counts one IMDS request. Every tag value is bounded (a version, a client name, a path
     * category, an action, a reason), so a fleet's series count stays small whatever the requests
     * were. The tag keys never vary: Prometheus drops a meter whose keys differ from its siblings'.
     */
    public void countRequest(
            String version, String client, String pathCategory, String action, String reason) {
        Meters meters = meters();
        // Looked up on every IMDS request: a key of the five tag values, whose hashes the strings
        // keep.
        RequestKey key = new RequestKey(version, client, pathCategory, action, reason);
        Counter counter = meters.requests.get(key);
        if (counter == null) {
            counter =
                    meters.register(
                            meters.requests,
                            key,
                            Counter.builder(REQUESTS)
                                    .description(
                                            "HTTP requests to the EC2 Instance Metadata Service, by IMDS version")
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
        meters().callSites.count(site, client, action);
    }

    /**
     * Publishes {@code imds.v1.callsites}: the number of distinct v1 call sites, read from {@code
     * source} whenever a registry asks.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T> void trackCallSites(T source, ToDoubleFunction<T> distinctSites) {
        if (meters != null) {
            meters.trackCallSites(source, distinctSites);
        } else {
            this.callSiteSource = source;
            this.distinctSites = (ToDoubleFunction<Object>) distinctSites;
        }
    }

    @Override
    public void recordRewriteLatency(long nanos) {
        for (Timer timer : meters().latencyTimers) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void countTokenFetch(String outcome) {
        Meters meters = meters();
        String key = TOKEN_FETCHES + '|' + outcome;
        Counter counter = meters.counters.get(key);
        if (counter == null) {
            counter =
                    meters.register(
                            meters.counters,
                            key,
                            Counter.builder(TOKEN_FETCHES)
                                    .description(
                                            "The agent's own IMDSv2 token requests (rewrite mode), by outcome")
                                    .tag("outcome", outcome));
        }
        counter.increment();
    }

    /**
     * Counts occurrences of a diagnosis ({@code hop_limit}, {@code token_churn}) at a site, given
     * as {@code class.method}: a code location, so the series stay few (the diagnose package caps
     * them).
     */
    public void countDiagnosis(String diagnosis, String site, long times) {
        Meters meters = meters();
        String key = DIAGNOSES + '|' + diagnosis + '|' + site;
        Counter counter = meters.counters.get(key);
        if (counter == null) {
            counter =
                    meters.register(
                            meters.counters,
                            key,
                            Counter.builder(DIAGNOSES)
                                    .description(
                                            "IMDS migration traps recognised in the application's requests, by diagnosis and"
                                                    + " call site")
                                    .tag("diagnosis", diagnosis)
                                    .tag("site", site));
        }
        counter.increment(times);
    }

    /** The registry and the meters looked up by key on each count. */
    private static final class Meters {
        /**
         * Declared as MeterRegistry so that loading ImdsMetrics in premain loads no registry class.
         */
        final MeterRegistry registry =
                new SimpleMeterRegistry(
                        new SimpleConfig() {
                            @Override
                            public String get(String key) {
                                return null;
                            }

                            @Override
                            public CountingMode mode() {
                                return CountingMode.CUMULATIVE;
                            }
                        },
                        io.micrometer.core.instrument.Clock.SYSTEM);

        final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<String, Counter>();
        final ConcurrentMap<RequestKey, Counter> requests =
                new ConcurrentHashMap<RequestKey, Counter>();
        final CallSiteMeters callSites;

        /** The agent's own latency timer and one per attached exporter. */
        final List<Timer> latencyTimers = new CopyOnWriteArrayList<Timer>();

        Meters(String service, String host, int maxSites) {
            // Before the first meter: a filter only applies to meters registered after it.
            registry.config().commonTags("service", service, "host", host);
            callSites = new CallSiteMeters(registry, maxSites);
            latencyTimers.add(
                    Timer.builder(REWRITE_LATENCY)
                            .description(
                                    "Time the agent spent getting the token for a rewritten v1 request, cache hits"
                                            + " included")
                            .register(registry));
        }

        <T> void trackCallSites(T source, ToDoubleFunction<T> distinctSites) {
            Gauge.builder(CALL_SITES, source, distinctSites)
                    .description("Distinct IMDSv1 call sites seen in this JVM")
                    .strongReference(true)
                    .register(registry);
        }

        /**
         * Registers the counter and remembers it under {@code key} in {@code known}; a racing
         * thread's wins.
         */
        <K> Counter register(ConcurrentMap<K, Counter> known, K key, Counter.Builder builder) {
            Counter counter = builder.register(registry);
            Counter raced = known.putIfAbsent(key, counter);
            return raced != null ? raced : counter;
        }
    }

    /** The tag values of one {@code imds.requests} series. */
    private static final class RequestKey {
        private final String version;
        private final String client;
        private final String path;
        private final String action;
        private final String reason;

        RequestKey(String version, String client, String path, String action, String reason) {
            this.version = version;
            this.client = client;
            this.path = path;
            this.action = action;
            this.reason = reason;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof RequestKey)) {
                return false;
            }
            RequestKey that = (RequestKey) other;
            return version.equals(that.version)
                    && client.equals(that.client)
                    && path.equals(that.path)
                    && action.equals(that.action)
                    && reason.equals(that.reason);
        }

        @Override
        public int hashCode() {
            return (((version.hashCode() * 31 + client.hashCode()) * 31 + path.hashCode()) * 31
                                    + action.hashCode())
                            * 31
                    + reason.hashCode();
        }
    }
}
