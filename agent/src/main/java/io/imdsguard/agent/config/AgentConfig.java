package io.imdsguard.agent.config;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/** The agent's validated configuration; every value here has been parsed and range-checked. */
public final class AgentConfig {

    private final Map<ConfigKey, Object> values;

    AgentConfig(Map<ConfigKey, Object> values) {
        this.values = new EnumMap<ConfigKey, Object>(values);
    }

    /**
     * The configuration with every key at its default: what an agent without arguments runs with.
     */
    public static AgentConfig defaults() {
        ConfigResult result =
                ConfigLoader.load(
                        null,
                        java.util.Collections.<String, String>emptyMap(),
                        java.util.Collections.<String, String>emptyMap());
        return result.config();
    }

    public Mode mode() {
        return (Mode) values.get(ConfigKey.MODE);
    }

    /** The agent key {@code endpoint}, or null. */
    public URI endpoint() {
        return (URI) values.get(ConfigKey.ENDPOINT);
    }

    /** Where the JSON report goes, or null for no report file. */
    public String reportPath() {
        return (String) values.get(ConfigKey.REPORT);
    }

    public int reportIntervalSeconds() {
        return (Integer) values.get(ConfigKey.REPORT_INTERVAL);
    }

    /** Where log lines go, or null for standard error. */
    public String logPath() {
        return (String) values.get(ConfigKey.LOG);
    }

    /** The Prometheus scrape port, or null when the endpoint is off. */
    public Integer prometheusPort() {
        return (Integer) values.get(ConfigKey.PROMETHEUS_PORT);
    }

    public String prometheusHost() {
        return (String) values.get(ConfigKey.PROMETHEUS_HOST);
    }

    /** The configured service name, or null to derive one from the JVM's command line. */
    public String serviceName() {
        return (String) values.get(ConfigKey.SERVICE_NAME);
    }

    public boolean debug() {
        return (Boolean) values.get(ConfigKey.DEBUG);
    }

    /** Class or package prefixes whose v1 calls may be rewritten, or the single entry {@code *}. */
    @SuppressWarnings("unchecked")
    public java.util.List<String> rewriteCallers() {
        return (java.util.List<String>) values.get(ConfigKey.REWRITE_CALLERS);
    }

    /** The TTL the agent asks for its own tokens, in seconds. */
    public int tokenTtlSeconds() {
        return (Integer) values.get(ConfigKey.TOKEN_TTL);
    }

    public long tokenConnectTimeoutMillis() {
        return (Long) values.get(ConfigKey.TOKEN_CONNECT_TIMEOUT);
    }

    /** Whether JMX clients may change mode and rewrite.callers. */
    public boolean jmxControl() {
        return (Boolean) values.get(ConfigKey.JMX_CONTROL);
    }

    /** The parsed value of any key, or null when it is unset; for comparing two configurations. */
    public Object value(ConfigKey key) {
        return values.get(key);
    }

    public long tokenReadTimeoutMillis() {
        return (Long) values.get(ConfigKey.TOKEN_READ_TIMEOUT);
    }

    /**
     * Key {@code metrics.sites.max}: call sites with their own series before the rest fold into
     * site=other.
     */
    public int metricsSitesMax() {
        return (Integer) values.get(ConfigKey.METRICS_SITES_MAX);
    }

    /** The OTLP/HTTP metrics URL to push to, or null when OTLP export is off. */
    public String otlpEndpoint() {
        return (String) values.get(ConfigKey.OTLP_ENDPOINT);
    }

    public long otlpIntervalMillis() {
        return (Long) values.get(ConfigKey.OTLP_INTERVAL);
    }

    /** The StatsD agent's host, or null when StatsD export is off. */
    public String statsdHost() {
        return (String) values.get(ConfigKey.STATSD_HOST);
    }

    public int statsdPort() {
        return (Integer) values.get(ConfigKey.STATSD_PORT);
    }

    /** datadog, etsy, telegraf or sysdig. */
    public String statsdFlavor() {
        return (String) values.get(ConfigKey.STATSD_FLAVOR);
    }

    /** Key {@code jmx.metrics}: expose the meters as MBeans. */
    public boolean jmxMetrics() {
        return (Boolean) values.get(ConfigKey.JMX_METRICS);
    }

    /**
     * Key {@code metrics.global}: also show the meters in the application's own Micrometer global
     * registry.
     */
    public boolean metricsGlobal() {
        return (Boolean) values.get(ConfigKey.METRICS_GLOBAL);
    }
}
