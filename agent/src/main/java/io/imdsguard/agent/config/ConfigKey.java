package io.imdsguard.agent.config;

import java.util.Locale;

/**
 * Every key the agent accepts, with its default and its parser. The table of docs/configuration.md
 * lists exactly these keys and defaults (ConfigurationDocTest).
 */
public enum ConfigKey {
    MODE("mode", "report", ValueParsers.mode()),
    ENDPOINT("endpoint", null, ValueParsers.endpoint()),
    REPORT("report", null, ValueParsers.path()),
    REPORT_INTERVAL("report.interval", "30", ValueParsers.integer(1, 86_400, "seconds")),
    LOG("log", null, ValueParsers.path()),
    PROMETHEUS_PORT("prometheus.port", null, ValueParsers.integer(1, 65_535, "a TCP port")),
    PROMETHEUS_HOST("prometheus.host", "127.0.0.1", ValueParsers.text()),
    SERVICE_NAME("service.name", null, ValueParsers.text()),
    DEBUG("debug", "false", ValueParsers.bool()),
    /*
     * The AWS SDKs' own IMDS code, class by class: not their packages, which also hold the SDKs'
     * general HTTP clients, through which an application may fetch a URL an attacker chose.
     */
    REWRITE_CALLERS(
            "rewrite.callers",
            "com.amazonaws.internal.ConnectionUtils;com.amazonaws.internal.EC2MetadataClient;"
                    + "com.amazonaws.util.EC2MetadataUtils;software.amazon.awssdk.regions.internal.util.ConnectionUtils",
            ValueParsers.callerPrefixes()),
    TOKEN_TTL("token.ttl", "21600", ValueParsers.integer(1, 21_600, "seconds")),
    TOKEN_CONNECT_TIMEOUT("token.connect.timeout", "1s", ValueParsers.duration(1, 60_000)),
    TOKEN_READ_TIMEOUT("token.read.timeout", "1s", ValueParsers.duration(1, 60_000)),
    /* Whether JMX clients may change mode and rewrite.callers; off, since a JMX port may be reachable by others. */
    JMX_CONTROL("jmx.control", "false", ValueParsers.bool()),
    METRICS_SITES_MAX(
            "metrics.sites.max", "100", ValueParsers.integer(1, 10_000, "a number of call sites")),
    OTLP_ENDPOINT("otlp.endpoint", null, ValueParsers.httpUrl("http://127.0.0.1:4318/v1/metrics")),
    OTLP_INTERVAL("otlp.interval", "60s", ValueParsers.duration(1_000, 3_600_000)),
    STATSD_HOST("statsd.host", null, ValueParsers.text()),
    STATSD_PORT("statsd.port", "8125", ValueParsers.integer(1, 65_535, "a UDP port")),
    STATSD_FLAVOR(
            "statsd.flavor",
            "datadog",
            ValueParsers.oneOf("datadog", "etsy", "telegraf", "sysdig")),
    JMX_METRICS("jmx.metrics", "false", ValueParsers.bool()),
    METRICS_GLOBAL("metrics.global", "true", ValueParsers.bool());

    static final String SYSTEM_PROPERTY_PREFIX = "imds.guard.";
    static final String ENVIRONMENT_PREFIX = "IMDS_GUARD_";

    private final String key;
    private final String defaultValue;
    private final ValueParser parser;

    ConfigKey(String key, String defaultValue, ValueParser parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.parser = parser;
    }

    public String key() {
        return key;
    }

    String defaultValue() {
        return defaultValue;
    }

    ValueParser parser() {
        return parser;
    }

    /** Parses a value of this key as the configuration would; the message says what is wrong. */
    public Object parse(String raw) throws ConfigException {
        return parser.parse(raw);
    }

    /** What this key accepts, in words. */
    public String accepted() {
        return parser.accepted();
    }

    public String systemProperty() {
        return SYSTEM_PROPERTY_PREFIX + key;
    }

    public String environmentVariable() {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    static ConfigKey byName(String name) {
        for (ConfigKey candidate : values()) {
            if (candidate.key.equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    static String allKeys() {
        StringBuilder names = new StringBuilder();
        for (ConfigKey candidate : values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(candidate.key);
        }
        return names.toString();
    }
}
