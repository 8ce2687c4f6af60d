package io.imdsguard.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The agent's meters. They live in a composite registry so that exporters can be added after the
 * counting starts (Micrometer hands meters created earlier to registries added later); with no
 * exporter attached, counting costs next to nothing.
 */
public final class ImdsMetrics {

    public static final String REQUESTS = "imds.requests";
    public static final String TOKEN_FETCHES = "imds.token.fetches";

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<String, Counter>();

    public MeterRegistry registry() {
        return registry;
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
