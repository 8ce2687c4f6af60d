package io.imdsguard.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final Map<String, String> NONE = Collections.emptyMap();

    private static Map<String, String> map(String... pairs) {
        Map<String, String> map = new HashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static AgentConfig ok(
            String args, Map<String, String> sysprops, Map<String, String> env) {
        ConfigResult result = ConfigLoader.load(args, sysprops, env);
        assertTrue(result.ok(), "expected a valid configuration, got " + result.errors());
        return result.config();
    }

    /** Loads a configuration that must fail with exactly one error line, and returns that line. */
    private static String singleError(
            String args, Map<String, String> sysprops, Map<String, String> env) {
        ConfigResult result = ConfigLoader.load(args, sysprops, env);
        assertFalse(result.ok());
        assertNull(result.config(), "a broken configuration must not be usable");
        assertEquals(1, result.errors().size(), "expected one error line, got " + result.errors());
        return result.errors().get(0);
    }

    @Test
    void withoutAnySettingTheAgentRunsWithItsDocumentedDefaults() {
        for (AgentConfig config :
                new AgentConfig[] {
                    ok(null, NONE, NONE),
                    ok("", NONE, NONE),
                    ok("  ", NONE, NONE),
                    AgentConfig.defaults()
                }) {
            assertEquals(Mode.REPORT, config.mode());
            assertNull(config.endpoint());
            assertNull(config.reportPath());
            assertEquals(30, config.reportIntervalSeconds());
            assertNull(config.logPath());
            assertNull(config.prometheusPort());
            assertEquals("127.0.0.1", config.prometheusHost());
            assertNull(config.serviceName());
            assertFalse(config.debug());
            assertEquals(100, config.metricsSitesMax());
            assertNull(config.otlpEndpoint());
            assertEquals(60_000, config.otlpIntervalMillis());
            assertNull(config.statsdHost());
            assertEquals(8125, config.statsdPort());
            assertEquals("datadog", config.statsdFlavor());
            assertFalse(config.jmxMetrics());
            assertTrue(config.metricsGlobal());
        }
    }

    @Test
    void metricsExporterSettingsAcceptTheirDocumentedForms() {
        assertEquals(10_000, ok("otlp.interval=10s", NONE, NONE).otlpIntervalMillis());
        assertEquals(90_000, ok("otlp.interval=1.5s", NONE, NONE).otlpIntervalMillis() * 60);
        assertEquals("sysdig", ok("statsd.flavor=SysDig", NONE, NONE).statsdFlavor());
        assertEquals(
                "https://otel.internal:4318/v1/metrics",
                ok("otlp.endpoint= https://otel.internal:4318/v1/metrics ", NONE, NONE)
                        .otlpEndpoint());
        assertEquals(10_000, ok("metrics.sites.max=10000", NONE, NONE).metricsSitesMax());
        assertEquals(1, ok("metrics.sites.max=1", NONE, NONE).metricsSitesMax());
    }

    @Test
    void unrelatedPropertiesAndVariablesAreIgnored() {
        AgentConfig config =
                ok(
                        null,
                        map("java.version", "17", "imds.guardian.mode", "x"),
                        map(
                                "PATH",
                                "/usr/bin",
                                "IMDS_GUARDIAN_MODE",
                                "x",
                                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                "http://x"));
        assertEquals(Mode.REPORT, config.mode());
        assertNull(config.endpoint());
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatTheEnvironment() {
        Map<String, String> env =
                map(
                        "IMDS_GUARD_REPORT_INTERVAL",
                        "10",
                        "IMDS_GUARD_SERVICE_NAME",
                        "from-env",
                        "IMDS_GUARD_DEBUG",
                        "true");
        Map<String, String> sysprops =
                map("imds.guard.report.interval", "20", "imds.guard.service.name", "from-prop");

        AgentConfig all = ok("report.interval=40", sysprops, env);
        assertEquals(40, all.reportIntervalSeconds());
        assertEquals("from-prop", all.serviceName());
        assertTrue(all.debug(), "a key set only in the environment still applies");

        AgentConfig noArgs = ok(null, sysprops, env);
        assertEquals(20, noArgs.reportIntervalSeconds());

        AgentConfig envOnly = ok(null, NONE, env);
        assertEquals(10, envOnly.reportIntervalSeconds());
        assertEquals("from-env", envOnly.serviceName());
    }

    @Test
    void everyKeyCanBeSetFromEverySourceUnderItsDocumentedName() {
        String[][] keyValueCheck = {
            {"mode", "report"},
            {"endpoint", "http://127.0.0.1:1338"},
            {"report", "/tmp/imds-report.json"},
            {"report.interval", "5"},
            {"log", "/tmp/imds.log"},
            {"prometheus.port", "9464"},
            {"prometheus.host", "0.0.0.0"},
            {"service.name", "billing"},
            {"debug", "true"},
            {"rewrite.callers", "com.acme.legacy.MetadataClient"},
            {"token.ttl", "300"},
            {"token.connect.timeout", "250"},
            {"token.read.timeout", "2000"},
            {"jmx.control", "true"},
            {"metrics.sites.max", "7"},
            {"otlp.endpoint", "http://127.0.0.1:4318/v1/metrics"},
            {"otlp.interval", "10000"},
            {"statsd.host", "127.0.0.1"},
            {"statsd.port", "9125"},
            {"statsd.flavor", "telegraf"},
            {"jmx.metrics", "true"},
            {"metrics.global", "false"},
        };
        assertEquals(
                ConfigKey.values().length, keyValueCheck.length, "a new key needs a line here");
        for (String[] kv : keyValueCheck) {
            ConfigKey key = ConfigKey.byName(kv[0]);
            assertEquals("imds.guard." + kv[0], key.systemProperty());
            assertEquals(
                    "IMDS_GUARD_" + kv[0].toUpperCase(java.util.Locale.ROOT).replace('.', '_'),
                    key.environmentVariable());
            AgentConfig fromArgs = ok(kv[0] + "=" + kv[1], NONE, NONE);
            AgentConfig fromProp = ok(null, map(key.systemProperty(), kv[1]), NONE);
            AgentConfig fromEnv = ok(null, NONE, map(key.environmentVariable(), kv[1]));
            for (AgentConfig config : new AgentConfig[] {fromArgs, fromProp, fromEnv}) {
                assertEquals(kv[1], valueOf(config, key), "key " + kv[0]);
            }
        }
    }

    private static String valueOf(AgentConfig config, ConfigKey key) {
        switch (key) {
            case MODE:
                return config.mode().id();
            case ENDPOINT:
                return config.endpoint().toString();
            case REPORT:
                return config.reportPath();
            case REPORT_INTERVAL:
                return String.valueOf(config.reportIntervalSeconds());
            case LOG:
                return config.logPath();
            case PROMETHEUS_PORT:
                return String.valueOf(config.prometheusPort());
            case PROMETHEUS_HOST:
                return config.prometheusHost();
            case SERVICE_NAME:
                return config.serviceName();
            case DEBUG:
                return String.valueOf(config.debug());
            case REWRITE_CALLERS:
                return String.join(";", config.rewriteCallers());
            case TOKEN_TTL:
                return String.valueOf(config.tokenTtlSeconds());
            case TOKEN_CONNECT_TIMEOUT:
                return String.valueOf(config.tokenConnectTimeoutMillis());
            case TOKEN_READ_TIMEOUT:
                return String.valueOf(config.tokenReadTimeoutMillis());
            case JMX_CONTROL:
                return String.valueOf(config.jmxControl());
            case METRICS_SITES_MAX:
                return String.valueOf(config.metricsSitesMax());
            case OTLP_ENDPOINT:
                return config.otlpEndpoint();
            case OTLP_INTERVAL:
                return String.valueOf(config.otlpIntervalMillis());
            case STATSD_HOST:
                return config.statsdHost();
            case STATSD_PORT:
                return String.valueOf(config.statsdPort());
            case STATSD_FLAVOR:
                return config.statsdFlavor();
            case JMX_METRICS:
                return String.valueOf(config.jmxMetrics());
            case METRICS_GLOBAL:
                return String.valueOf(config.metricsGlobal());
            default:
                throw new AssertionError(key);
        }
    }

    @Test
    void severalAgentArgumentsWithSpacesAreAccepted() {
        AgentConfig config =
                ok(
                        " mode = REPORT , debug=true,, report.interval=7 ,endpoint=https://[::1]:8443/x",
                        NONE,
                        NONE);
        assertEquals(Mode.REPORT, config.mode());
        assertTrue(config.debug());
        assertEquals(7, config.reportIntervalSeconds());
        assertEquals(URI.create("https://[::1]:8443/x"), config.endpoint());
    }

    @Test
    void modeAcceptsReportRewriteAndEnforceInAnyCaseAndNothingElse() {
        assertEquals(Mode.REPORT, ok("mode= Report ", NONE, NONE).mode());
        assertEquals(Mode.REWRITE, ok("mode=rewrite", NONE, NONE).mode());
        assertEquals(Mode.ENFORCE, ok("mode=ENFORCE", NONE, NONE).mode());
        for (String bad : new String[] {"audit", "block", "v2"}) {
            String error = singleError("mode=" + bad, NONE, NONE);
            assertTrue(error.contains("'mode'"), error);
            assertTrue(error.contains("unknown mode '" + bad + "'"), error);
            assertTrue(error.contains("agent argument 'mode=" + bad + "'"), error);
            assertTrue(error.endsWith("accepted: report, rewrite or enforce"), error);
        }
        String error = singleError(null, map("imds.guard.mode", "audit"), NONE);
        assertTrue(
                error.contains("'mode'")
                        && error.contains("audit")
                        && error.contains("-Dimds.guard.mode"),
                error);
        assertTrue(error.endsWith("accepted: report, rewrite or enforce"), error);
    }

    @Test
    void rewriteCallersTakesPrefixesOrAStarAlone() {
        assertEquals(
                java.util.Arrays.asList(
                        "com.amazonaws.internal.ConnectionUtils",
                        "com.amazonaws.internal.EC2MetadataClient",
                        "com.amazonaws.util.EC2MetadataUtils",
                        "software.amazon.awssdk.regions.internal.util.ConnectionUtils"),
                AgentConfig.defaults().rewriteCallers(),
                "the AWS SDKs' IMDS code and nothing else by default");
        assertEquals(
                java.util.Arrays.asList("com.acme.legacy.", "com.acme.Metadata$Client"),
                ok("rewrite.callers=com.acme.legacy.; com.acme.Metadata$Client", NONE, NONE)
                        .rewriteCallers());
        assertEquals(
                java.util.Arrays.asList("a.B", "c."),
                ok(null, map("imds.guard.rewrite.callers", "a.B,c."), NONE).rewriteCallers(),
                "outside agent arguments a comma separates too");
        assertEquals(
                java.util.Collections.singletonList("*"),
                ok("rewrite.callers=*", NONE, NONE).rewriteCallers());
        assertTrue(
                singleError("rewrite.callers=*;com.acme.", NONE, NONE).contains("give it alone"));
        assertTrue(
                singleError("rewrite.callers=com/acme", NONE, NONE)
                        .contains("not a class or package name"));
        assertTrue(singleError("rewrite.callers= ; ", NONE, NONE).contains("no prefix given"));
        assertEquals(
                java.util.Arrays.asList("com.acme.Caf\u00e9", "_x.$Y"),
                ok("rewrite.callers=com.acme.Caf\u00e9;_x.$Y", NONE, NONE).rewriteCallers(),
                "Java identifiers in any script");
        assertTrue(
                singleError("rewrite.callers=9acme.", NONE, NONE)
                        .contains("'9acme.' is not a class or package name"));
        assertTrue(
                singleError("rewrite.callers=com.acme.My Client", NONE, NONE)
                        .contains("not a class or package name"));
    }

    /** A client sends requests to any URL it is given: trusting it would trust every caller. */
    @Test
    void rewriteCallersRefusesTheJdkAndKnownHttpClientsWithTheReason() {
        for (String entry :
                new String[] {
                    "okhttp3.OkHttpClient",
                    "org.apache.http.",
                    "org.apache.http",
                    "sun.net.www.protocol.http.HttpURLConnection",
                    "java.net.",
                    "org.",
                    "io.netty.channel.Channel"
                }) {
            String error = singleError("rewrite.callers=com.acme.Good;" + entry, NONE, NONE);
            assertTrue(
                    error.contains(
                            "'" + entry + "' names code of the JDK or of an HTTP client library"),
                    error);
            assertTrue(error.contains("sends requests to whatever URL it is given"), error);
            assertTrue(error.contains("Name the application class that calls it"), error);
        }
        assertEquals(
                java.util.Arrays.asList("org.acme.", "com.okhttp3x.Client"),
                ok("rewrite.callers=org.acme.;com.okhttp3x.Client", NONE, NONE).rewriteCallers());
    }

    @Test
    void theDefaultScopeIsTheSdkImdsClassesThatStayCallSites() {
        assertEquals(
                java.util.Arrays.asList(io.imdsguard.agent.detect.SdkImdsClasses.CLASSES),
                AgentConfig.defaults().rewriteCallers());
    }

    @Test
    void tokenSettingsHaveTheSdkDefaultsAndBounds() {
        AgentConfig defaults = AgentConfig.defaults();
        assertEquals(21600, defaults.tokenTtlSeconds());
        assertEquals(1000, defaults.tokenConnectTimeoutMillis());
        assertEquals(1000, defaults.tokenReadTimeoutMillis());
        assertEquals(1500, ok("token.read.timeout=1.5s", NONE, NONE).tokenReadTimeoutMillis());
        assertEquals(
                250, ok("token.connect.timeout=250ms", NONE, NONE).tokenConnectTimeoutMillis());
        assertTrue(
                singleError("token.ttl=21601", NONE, NONE)
                        .endsWith("accepted: seconds from 1 to 21600"));
        assertTrue(singleError("token.ttl=0", NONE, NONE).contains("out of range"));
        assertTrue(
                singleError("token.read.timeout=soon", NONE, NONE)
                        .contains("'soon' is not a duration"));
        assertTrue(singleError("token.connect.timeout=61s", NONE, NONE).contains("out of range"));
    }

    @Test
    void aBadValueIsOneLineNamingKeySourceAndAcceptedValues() {
        Object[][] cases = {
            // source, key, value, text of the accepted values
            {"arg", "report.interval", "0", "seconds from 1 to 86400"},
            {"prop", "report.interval", "86401", "seconds from 1 to 86400"},
            {"env", "report.interval", "soon", "seconds from 1 to 86400"},
            {"arg", "prometheus.port", "65536", "a TCP port from 1 to 65535"},
            {"env", "prometheus.port", "0", "a TCP port from 1 to 65535"},
            {"prop", "debug", "yes", "true or false"},
            {"arg", "endpoint", "ftp://127.0.0.1:1338", "an http URL"},
            {"env", "endpoint", "127.0.0.1:1338", "an http URL"},
            {"prop", "endpoint", "http://", "an http URL"},
            {"arg", "log", "", "a file path"},
            {"env", "report", "   ", "a file path"},
            {"prop", "service.name", "", "a non-empty text"},
            {"arg", "metrics.sites.max", "0", "a number of call sites from 1 to 10000"},
            {"env", "metrics.sites.max", "10001", "a number of call sites from 1 to 10000"},
            {
                "arg",
                "otlp.endpoint",
                "127.0.0.1:4318",
                "an http or https URL such as http://127.0.0.1:4318/v1/metrics"
            },
            {"prop", "otlp.endpoint", "udp://collector:4318", "an http or https URL"},
            {"arg", "otlp.interval", "often", "a duration from 1000ms to 3600s"},
            {"env", "otlp.interval", "500ms", "a duration from 1000ms to 3600s"},
            {"prop", "statsd.host", " ", "a non-empty text"},
            {"arg", "statsd.port", "70000", "a UDP port from 1 to 65535"},
            {"arg", "statsd.flavor", "graphite", "datadog, etsy, telegraf or sysdig"},
            {"env", "jmx.metrics", "on", "true or false"},
            {"arg", "metrics.global", "no", "true or false"},
        };
        for (Object[] c : cases) {
            String source = (String) c[0];
            String key = (String) c[1];
            String value = (String) c[2];
            ConfigKey configKey = ConfigKey.byName(key);
            String error;
            String sourceText;
            if ("arg".equals(source)) {
                error = singleError(key + "=" + value, NONE, NONE);
                sourceText = "agent argument";
            } else if ("prop".equals(source)) {
                error = singleError(null, map(configKey.systemProperty(), value), NONE);
                sourceText = "-D" + configKey.systemProperty();
            } else {
                error = singleError(null, NONE, map(configKey.environmentVariable(), value));
                sourceText = configKey.environmentVariable();
            }
            assertTrue(error.contains("'" + key + "'"), error);
            assertTrue(error.contains(sourceText), error);
            assertTrue(error.contains("accepted: " + c[3]), error);
        }
    }

    @Test
    void anUnknownKeyIsRefusedFromEverySourceAndTheAcceptedKeysAreListed() {
        String fromArgs = singleError("mdoe=report", NONE, NONE);
        String fromProp = singleError(null, map("imds.guard.reportinterval", "5"), NONE);
        String fromEnv = singleError(null, NONE, map("IMDS_GUARD_PORT", "9464"));
        assertTrue(
                fromArgs.contains("'mdoe'") && fromArgs.contains("agent argument 'mdoe=report'"),
                fromArgs);
        assertTrue(
                fromProp.contains("'reportinterval'")
                        && fromProp.contains("-Dimds.guard.reportinterval"),
                fromProp);
        assertTrue(fromEnv.contains("'port'") && fromEnv.contains("IMDS_GUARD_PORT"), fromEnv);
        for (String error : new String[] {fromArgs, fromProp, fromEnv}) {
            assertTrue(error.contains("unknown key"), error);
            for (ConfigKey key : ConfigKey.values()) {
                assertTrue(
                        error.contains(key.key()),
                        "accepted keys missing " + key.key() + ": " + error);
            }
        }
    }

    @Test
    void anArgumentWithoutEqualsSignIsRefused() {
        String error = singleError("debug", NONE, NONE);
        assertTrue(
                error.contains("'debug'")
                        && error.contains("key=value")
                        && error.contains("report.interval"),
                error);
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        ConfigResult result =
                ConfigLoader.load(
                        "mode=audit,prometheus.port=http,colour=blue",
                        map("imds.guard.debug", "maybe"),
                        map("IMDS_GUARD_NOPE", "1"));
        assertFalse(result.ok());
        assertNull(result.config());
        List<String> errors = result.errors();
        assertEquals(5, errors.size(), errors.toString());
        String all = errors.toString();
        for (String expected :
                new String[] {"'mode'", "'prometheus.port'", "'colour'", "'debug'", "'nope'"}) {
            assertTrue(all.contains(expected), expected + " not in " + all);
        }
    }

    @Test
    void errorsStayOneLineEvenWhenTheRejectedTextContainsLineBreaks() {
        // Environment values and property names can hold line breaks; each error is printed as one
        // log line.
        List<String> errors =
                ConfigLoader.load(
                                "mode=rep\nort",
                                map(
                                        "imds.guard.debug",
                                        "true\r\nforged",
                                        "imds.guard.x\nforged",
                                        "1"),
                                map("IMDS_GUARD_REPORT_INTERVAL", "1\n2"))
                        .errors();
        assertEquals(4, errors.size(), errors.toString());
        for (String error : errors) {
            assertFalse(
                    error.contains("\n") || error.contains("\r"), "error spans lines: " + error);
        }
    }
}
