package io.imdsguard.agent.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;

/**
 * Exposes the meters as MBeans on the platform MBean server, with Micrometer's JMX registry, in the
 * domain {@value #DOMAIN}: for JConsole, VisualVM, and agents that collect JMX (Datadog, the
 * Prometheus JMX exporter). Names follow Micrometer's hierarchical form, tags folded into the name,
 * e.g. {@code
 * imds-guard:name=imdsRequests.action.observed.client.HttpURLConnection...,type=counters}.
 */
final class JmxExporter {

    static final String DOMAIN = "imds-guard";

    private JmxExporter() {}

    static JmxMeterRegistry start() {
        JmxConfig config =
                new JmxConfig() {
                    @Override
                    public String get(String key) {
                        return null;
                    }

                    @Override
                    public String domain() {
                        return DOMAIN;
                    }
                };
        return new JmxMeterRegistry(config, Clock.SYSTEM, HierarchicalNameMapper.DEFAULT);
    }
}
