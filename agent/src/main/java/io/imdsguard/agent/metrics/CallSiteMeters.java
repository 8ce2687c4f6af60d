package io.imdsguard.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code imds.v1.callsite.requests} {site, client, action}: one series per v1 call site, so that a
 * dashboard names the code to fix. A site is code, so there are few, but a JVM that generates
 * classes could make many: past {@code maxSites} distinct sites the rest count under {@code
 * site=other}, which keeps the series count bounded per JVM.
 *
 * <p>A call that has been seen before costs two map lookups and an increment, without allocating.
 */
final class CallSiteMeters {

    static final String NAME = "imds.v1.callsite.requests";
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxSites;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ConcurrentMap<String, Site> sites = new ConcurrentHashMap<String, Site>();
    private final Site other;

    CallSiteMeters(MeterRegistry registry, int maxSites) {
        this.registry = registry;
        this.maxSites = maxSites;
        this.other = new Site(OTHER);
    }

    void count(String site, String client, String action) {
        site(site).counter(client, action).increment();
    }

    private Site site(String name) {
        Site site = sites.get(name);
        if (site != null) {
            return site;
        }
        if (OTHER.equals(name)) {
            return other;
        }
        if (admitted.incrementAndGet() > maxSites) {
            admitted.decrementAndGet();
            return other;
        }
        Site created = new Site(name);
        Site raced = sites.putIfAbsent(name, created);
        if (raced != null) {
            admitted.decrementAndGet();
            return raced;
        }
        return created;
    }

    /** The counters of one site, by client and action: both small fixed sets. */
    private final class Site {
        private final String name;
        private final ConcurrentMap<String, ConcurrentMap<String, Counter>> byClient =
                new ConcurrentHashMap<String, ConcurrentMap<String, Counter>>();

        Site(String name) {
            this.name = name;
        }

        Counter counter(String client, String action) {
            ConcurrentMap<String, Counter> byAction = byClient.get(client);
            if (byAction == null) {
                byClient.putIfAbsent(client, new ConcurrentHashMap<String, Counter>());
                byAction = byClient.get(client);
            }
            Counter counter = byAction.get(action);
            if (counter == null) {
                counter =
                        Counter.builder(NAME)
                                .description(
                                        "IMDSv1 requests by call site (the first application frame, class.method)")
                                .tag("site", name)
                                .tag("client", client)
                                .tag("action", action)
                                .register(registry);
                Counter raced = byAction.putIfAbsent(action, counter);
                if (raced != null) {
                    counter = raced;
                }
            }
            return counter;
        }
    }
}
