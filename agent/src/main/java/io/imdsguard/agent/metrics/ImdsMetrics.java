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

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final ConcurrentMap<String, Counter> requestCounters = new ConcurrentHashMap<String, Counter>();

    public MeterRegistry registry() {
        return registry;
    }

    public void addRegistry(MeterRegistry exporter) {
        registry.add(exporter);
    }

    /**
     * Counts one IMDS request. Every tag value is bounded (a version, a client name, a path
     * category, an action), so a fleet's series count stays small whatever the requests were.
     */
    public void countRequest(String version, String client, String pathCategory, String action) {
        String key = version + '|' + client + '|' + pathCategory + '|' + action;
        Counter counter = requestCounters.get(key);
        if (counter == null) {
            counter = Counter.builder(REQUESTS)
                    .description("HTTP requests to the EC2 Instance Metadata Service, by IMDS version")
                    .tag("version", version)
                    .tag("client", client)
                    .tag("path", pathCategory)
                    .tag("action", action)
                    .register(registry);
            Counter raced = requestCounters.putIfAbsent(key, counter);
            if (raced != null) {
                counter = raced;
            }
        }
        counter.increment();
    }
}
