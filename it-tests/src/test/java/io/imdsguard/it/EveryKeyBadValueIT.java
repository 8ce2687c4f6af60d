package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key the agent knows, set to a bad value at once: one line per key naming it and what it
 * accepts, the agent off, the application's output unchanged. The list of keys comes from the agent
 * itself (the "accepted keys" it prints for an unknown key), so a key added without a case here
 * fails this test. Separately, the failures that only show at run time (a path that cannot be
 * written, a port in use, an address that cannot be bound): one line each, and the agent goes on
 * without that output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryKeyBadValueIT {

    /**
     * A bad value per key (never containing ',', which separates agent arguments) and what must be
     * said.
     */
    private static final Map<String, BadValue> CASES = new LinkedHashMap<>();

    private record BadValue(String value, String problem, String accepted) {}

    private static void bad(String key, String value, String problem, String accepted) {
        CASES.put(key, new BadValue(value, problem, accepted));
    }

    static {
        bad("mode", "loud", "unknown mode 'loud'", "report, rewrite or enforce");
        bad(
                "endpoint",
                "ftp://127.0.0.1:1338",
                "is not an http URL with a host",
                "an http URL such as");
        bad("report", "", "empty path", "a file path");
        bad("report.interval", "0", "0 is out of range", "seconds from 1 to 86400");
        bad("log", " ", "empty path", "a file path");
        bad("prometheus.port", "70000", "70000 is out of range", "a TCP port from 1 to 65535");
        bad("prometheus.host", "", "empty value", "a non-empty text");
        bad("service.name", "", "empty value", "a non-empty text");
        bad("debug", "maybe", "'maybe' is not a boolean", "true or false");
        bad(
                "rewrite.callers",
                "com/acme",
                "'com/acme' is not a class or package name",
                "class or package prefixes separated by ';'");
        bad("token.ttl", "21601", "21601 is out of range", "seconds from 1 to 21600");
        bad(
                "token.connect.timeout",
                "soon",
                "'soon' is not a duration",
                "a duration from 1ms to 60s");
        bad("token.read.timeout", "0ms", "'0ms' is out of range", "a duration from 1ms to 60s");
        // Keys of the metrics exporters and the attach control: checked once the agent knows them.
        bad("metrics.sites.max", "0", "0 is out of range", "from 1 to 10000");
        bad(
                "otlp.endpoint",
                "udp://127.0.0.1:4317",
                "is not an http URL with a host",
                "an http or https URL");
        bad("otlp.interval", "10ms", "'10ms' is out of range", "a duration from 1000ms");
        bad("statsd.host", "", "empty value", "a non-empty text");
        bad("statsd.port", "0", "0 is out of range", "a UDP port from 1 to 65535");
        bad("statsd.flavor", "graphite", "'graphite' is not one of them", "datadog");
        bad("jmx.metrics", "yes", "'yes' is not a boolean", "true or false");
        bad("metrics.global", "yes", "'yes' is not a boolean", "true or false");
        bad("jmx.control", "yes", "'yes' is not a boolean", "true or false");
    }

    private MockImds mock;
    private JvmResult withoutAgent;

    @BeforeAll
    void startMockAndRunTheAppWithoutAgent() throws Exception {
        mock = MockImds.builder().start();
        withoutAgent = app().run();
        assertEquals(0, withoutAgent.exitCode(), withoutAgent.describe());
    }

    @AfterAll
    void stop() {
        mock.close();
    }

    private AppJvm app() {
        return AppJvm.mainClass(JdkClientsApp.class, "1")
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
    }

    @Test
    void everyKeyWithABadValueIsNamedOnceWithWhatItAcceptsAndTheAgentStaysOff() throws Exception {
        List<String> known = keysTheAgentKnows();
        List<String> missing = known.stream().filter(k -> !CASES.containsKey(k)).toList();
        assertTrue(missing.isEmpty(), "add a bad-value case to this test for: " + missing);

        String arguments =
                known.stream()
                        .map(k -> k + "=" + CASES.get(k).value())
                        .collect(Collectors.joining(","));
        JvmResult run = app().withAgent(arguments).run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(withoutAgent.stdout(), run.stdout(), "the application runs unchanged");
        assertEquals(withoutAgent.applicationStderr(), run.applicationStderr());
        List<String> errors = run.agent().linesContaining("configuration error");
        assertEquals(known.size(), errors.size(), "one line per key:\n" + run.stderr());
        for (String key : known) {
            BadValue bad = CASES.get(key);
            List<String> lines =
                    errors.stream()
                            .filter(
                                    l ->
                                            l.contains(
                                                    "bad value for '"
                                                            + key
                                                            + "' in agent argument"))
                            .toList();
            assertEquals(1, lines.size(), key + ":\n" + String.join("\n", errors));
            String line = lines.get(0);
            assertTrue(
                    line.contains(": " + bad.problem()) || line.contains(bad.problem()),
                    key + ": " + line);
            assertTrue(
                    line.contains("; accepted: ")
                            && line.substring(line.indexOf("; accepted: "))
                                    .contains(bad.accepted()),
                    key + " must say what it accepts: " + line);
        }
        assertEquals(1, run.agent().linesContaining("imds-guard is OFF").size(), run.stderr());
        assertTrue(run.agent().firstSights().isEmpty(), "the agent is off:\n" + run.stderr());
    }

    /**
     * Problems that need the running system to show: the value is well-formed, but the path cannot
     * be written, the port is taken, the address is not this host's. One line each, naming the key;
     * the agent goes on without that output, and the application never notices.
     */
    @Test
    void runTimeFailuresAreSaidOnceEachAndTheAgentGoesOnWithoutThatOutput(@TempDir Path dir)
            throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a directory");
        String report = blocker.resolve("report.json").toString();
        String log = blocker.resolve("agent.log").toString();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            JvmResult run =
                    app().withAgent("report=" + report + ",log=" + log + ",prometheus.port=" + port)
                            .run();

            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(withoutAgent.stdout(), run.stdout(), "the application runs unchanged");
            assertEquals(
                    1,
                    run.agent()
                            .linesContaining("cannot write the log file '" + log + "' (key 'log')")
                            .size(),
                    run.stderr());
            assertEquals(
                    1,
                    run.agent()
                            .linesContaining(
                                    "cannot write the report '" + report + "' (key 'report')")
                            .size(),
                    run.stderr());
            assertEquals(
                    1,
                    run.agent()
                            .linesContaining("cannot serve Prometheus metrics on 127.0.0.1:" + port)
                            .size(),
                    run.stderr());
            assertTrue(run.agent().linesContaining("configuration error").isEmpty(), run.stderr());
            assertEquals(
                    4,
                    run.agent().firstSights().size(),
                    "detection goes on, to stderr:\n" + run.stderr());
            assertEquals(
                    1,
                    run.agent().linesContaining("summary: 4 IMDSv1 call site(s)").size(),
                    run.stderr());
        }
        // TEST-NET-1 (RFC 5737) is never this host's address: binding to it fails; nothing is sent
        // anywhere.
        int unbindable = io.imdsguard.it.support.FreePort.find();
        JvmResult run =
                app().withAgent("prometheus.port=" + unbindable + ",prometheus.host=192.0.2.1")
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(withoutAgent.stdout(), run.stdout());
        assertEquals(
                1,
                run.agent()
                        .linesContaining(
                                "cannot serve Prometheus metrics on 192.0.2.1:" + unbindable)
                        .size(),
                run.stderr());
        assertEquals(4, run.agent().firstSights().size(), run.stderr());
    }

    /** The agent's own list, from the line it prints for an unknown key. */
    private List<String> keysTheAgentKnows() throws Exception {
        JvmResult run = app().withAgent("no.such.key=1").run();
        List<String> lines = run.agent().linesContaining("unknown key 'no.such.key'");
        assertEquals(1, lines.size(), run.stderr());
        String line = lines.get(0);
        String list = line.substring(line.indexOf("accepted keys: ") + "accepted keys: ".length());
        List<String> keys = new ArrayList<>(Arrays.asList(list.split(",\\s*")));
        assertTrue(
                keys.containsAll(List.of("mode", "endpoint", "report", "token.ttl")),
                keys.toString());
        List<String> unknown = CASES.keySet().stream().filter(k -> !keys.contains(k)).toList();
        assertTrue(
                unknown.isEmpty(),
                "cases for keys the agent no longer knows (renamed?): " + unknown);
        return keys;
    }
}
