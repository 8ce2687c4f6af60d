package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configuration: one clear line naming the key and what is accepted, the agent off, the
 * application unharmed. Bad paths and ports: one line, and the agent goes on without them.
 */
class BadConfigurationIT {

    private MockImds mock;

    @BeforeEach
    void start() throws Exception {
        mock = MockImds.builder().start();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        "agent argument",
                        "mode=loud",
                        null,
                        null,
                        "bad value for 'mode' in agent argument 'mode=loud': unknown mode 'loud'; accepted: report,"
                                + " rewrite or enforce"),
                Arguments.of(
                        "caller list",
                        "rewrite.callers=com/acme",
                        null,
                        null,
                        "bad value for 'rewrite.callers' in agent argument 'rewrite.callers=com/acme': 'com/acme' is"
                                + " not a class or package name; accepted: class or package prefixes separated by ';'"),
                Arguments.of(
                        "token TTL",
                        null,
                        null,
                        "IMDS_GUARD_TOKEN_TTL=21601",
                        "bad value for 'token.ttl' in environment variable IMDS_GUARD_TOKEN_TTL: 21601 is out of"
                                + " range; accepted: seconds from 1 to 21600"),
                Arguments.of(
                        "token timeout",
                        null,
                        "-Dimds.guard.token.read.timeout=soon",
                        null,
                        "bad value for 'token.read.timeout' in system property -Dimds.guard.token.read.timeout:"
                                + " 'soon' is not a duration; accepted: a duration from 1ms to 60s"),
                Arguments.of(
                        "port not a number",
                        "prometheus.port=abc",
                        null,
                        null,
                        "bad value for 'prometheus.port' in agent argument 'prometheus.port=abc': 'abc' is not a"
                                + " number; accepted: a TCP port from 1 to 65535"),
                Arguments.of(
                        "port out of range",
                        "prometheus.port=70000",
                        null,
                        null,
                        "'prometheus.port' in agent argument 'prometheus.port=70000': 70000 is out of range;"
                                + " accepted: a TCP port from 1 to 65535"),
                Arguments.of(
                        "unknown key",
                        "colour=blue",
                        null,
                        null,
                        "unknown key 'colour' in agent argument 'colour=blue'; accepted keys: mode, endpoint,"),
                Arguments.of(
                        "not key=value",
                        "report",
                        null,
                        null,
                        "agent argument 'report' is not of the form key=value; accepted keys: mode,"),
                Arguments.of(
                        "system property",
                        null,
                        "-Dimds.guard.report.interval=0",
                        null,
                        "bad value for 'report.interval' in system property -Dimds.guard.report.interval: 0 is out"
                                + " of range; accepted: seconds from 1 to 86400"),
                Arguments.of(
                        "StatsD flavour",
                        "statsd.host=127.0.0.1,statsd.flavor=graphite",
                        null,
                        null,
                        "bad value for 'statsd.flavor' in agent argument 'statsd.flavor=graphite': 'graphite' is not"
                                + " one of them; accepted: datadog, etsy, telegraf or sysdig"),
                Arguments.of(
                        "OTLP endpoint",
                        null,
                        null,
                        "IMDS_GUARD_OTLP_ENDPOINT=collector:4318",
                        "bad value for 'otlp.endpoint' in environment variable IMDS_GUARD_OTLP_ENDPOINT:"
                                + " 'collector:4318' is not an http URL with a host; accepted: an http or https URL"
                                + " such as http://127.0.0.1:4318/v1/metrics"),
                Arguments.of(
                        "environment",
                        null,
                        null,
                        "IMDS_GUARD_ENDPOINT=not a url",
                        "bad value for 'endpoint' in environment variable IMDS_GUARD_ENDPOINT: 'not a url' is not a"
                                + " URL; accepted: an http URL such as http://127.0.0.1:1338"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsNamedOnceAndTheAgentStaysOff(
            String name,
            String arguments,
            String property,
            String environment,
            String expected,
            @TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.json");
        AppJvm jvm =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent(
                                arguments == null
                                        ? "report=" + report
                                        : arguments + ",report=" + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
        if (property != null) {
            String[] kv = property.substring(2).split("=", 2);
            jvm.systemProperty(kv[0], kv[1]);
        }
        if (environment != null) {
            String[] kv = environment.split("=", 2);
            jvm.env(kv[0], kv[1]);
        }
        JvmResult run = jvm.run();

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(
                run.stdout().contains("v1 HttpURLConnection: 200 i-0123456789abcdef0"),
                run.stdout());
        List<String> errors = run.agent().linesContaining("configuration error");
        assertEquals(1, errors.size(), "one line per bad key:\n" + run.stderr());
        assertTrue(
                errors.get(0).contains(expected),
                "expected '" + expected + "' in: " + errors.get(0));
        assertEquals(1, run.agent().linesContaining("imds-guard is OFF").size(), run.stderr());
        assertTrue(run.agent().firstSights().isEmpty(), "the agent is off: " + run.stderr());
        assertFalse(Files.exists(report), "no report from an agent that is off");
    }

    @Test
    void anUnwritableReportPathIsSaidOnceAndCallSitesAreStillLogged(@TempDir Path dir)
            throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a directory");
        String report = blocker.resolve("report.json").toString();
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "2")
                        .withAgent("report=" + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(
                1,
                run.agent()
                        .linesContaining("cannot write the report '" + report + "' (key 'report')")
                        .size(),
                run.stderr());
        int sites = JdkClientsApp.v1Sites(AppJava.feature());
        assertEquals(sites, run.agent().firstSights().size(), run.stderr());
        assertEquals(
                1,
                run.agent()
                        .linesContaining(
                                "summary: "
                                        + sites
                                        + " IMDSv1 call site(s), "
                                        + 2 * sites
                                        + " v1 call(s)")
                        .size(),
                run.stderr());
    }

    @Test
    void anUnwritableLogPathFallsBackToStandardError(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a directory");
        String log = blocker.resolve("agent.log").toString();
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent("log=" + log)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(
                1,
                run.agent()
                        .linesContaining("cannot write the log file '" + log + "' (key 'log')")
                        .size(),
                run.stderr());
        assertEquals(
                JdkClientsApp.v1Sites(AppJava.feature()),
                run.agent().firstSights().size(),
                "reporting goes on to stderr:\n" + run.stderr());
    }

    @Test
    void aLogFileReceivesTheAgentsLinesInsteadOfStandardError(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("agent.log");
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent("log=" + log)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.agentLines().isEmpty(), run.stderr());
        String written = Files.readString(log);
        assertEquals(
                JdkClientsApp.v1Sites(AppJava.feature()),
                written.lines().filter(l -> l.startsWith("[imds-guard] IMDSv1 call from ")).count(),
                written);
    }

    @Test
    void aPrometheusPortInUseIsSaidOnceAndDetectionGoesOn(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .withAgent(
                                    "prometheus.port=" + taken.getLocalPort() + ",report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();

            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(
                    1,
                    run.agent()
                            .linesContaining(
                                    "cannot serve Prometheus metrics on 127.0.0.1:"
                                            + taken.getLocalPort())
                            .size(),
                    run.stderr());
            assertEquals(
                    JdkClientsApp.v1Sites(AppJava.feature()),
                    Reports.read(report).get("totals").get("v1CallSites").asInt());
        }
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatTheEnvironment(@TempDir Path dir)
            throws Exception {
        assertEquals("from-args", serviceName(dir, "from-args", "from-property", "from-env"));
        assertEquals("from-property", serviceName(dir, null, "from-property", "from-env"));
        assertEquals("from-env", serviceName(dir, null, null, "from-env"));
    }

    private String serviceName(Path dir, String argument, String property, String environment)
            throws Exception {
        Path report = Files.createTempFile(dir, "report", ".json");
        AppJvm jvm =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent(
                                "report="
                                        + report
                                        + (argument != null ? ",service.name=" + argument : ""))
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
        if (property != null) {
            jvm.systemProperty("imds.guard.service.name", property);
        }
        if (environment != null) {
            jvm.env("IMDS_GUARD_SERVICE_NAME", environment);
        }
        JvmResult run = jvm.run();
        assertEquals(0, run.exitCode(), run.describe());
        JsonNode json = Reports.read(report);
        return json.get("service").asText();
    }
}
