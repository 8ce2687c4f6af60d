package io.imdsguard.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With {@code statsd.host}, the agent sends its meters as StatsD lines; a loopback UDP socket
 * receives them.
 */
class StatsdExportIT {

    @Test
    void aDatadogAgentReceivesCountsWithServiceHostAndCallSiteTags() throws Exception {
        try (MockImds mock = MockImds.builder().start();
                DatagramSocket statsd =
                        new DatagramSocket(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent(
                                    "statsd.host=127.0.0.1,statsd.port="
                                            + statsd.getLocalPort()
                                            + ",service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("HOSTNAME", "ip-10-1-2-3")
                            .start();
            app.awaitStdout("done");
            AgentLines.await(
                    app,
                    "sending metrics to StatsD (datadog) at 127.0.0.1:" + statsd.getLocalPort());
            // At exit the agent sends what the current step counted, so the test need not wait a
            // step.
            app.sendLine("");
            JvmResult result = app.finish();
            assertEquals(0, result.exitCode(), result.describe());
            assertFalse(result.stderr().contains("internal error"), result.stderr());
            assertEquals(
                    "",
                    result.applicationStderr(),
                    "the exporter writes nothing into the application's "
                            + "output (no JVM warning either, e.g. about sun.misc.Unsafe on JDK 24+)");

            List<String> lines =
                    receive(
                            statsd,
                            "imds.requests:2|c|#statistic:count,action:observed,client:HttpURLConnection,host:ip-10-1-2-3,"
                                    + "path:meta-data,reason:none,service:billing,version:v1",
                            "imds.v1.callsite.requests:1|c|#statistic:count,action:observed,client:java.net.http.HttpClient,"
                                    + "host:ip-10-1-2-3,service:billing,site:io.imdsguard.it.apps.JdkClientsApp"
                                    + ".v1ViaHttpClientSendAsync",
                            "imds.v1.callsites:4|g|#statistic:value,host:ip-10-1-2-3,service:billing");
            for (String line : lines) {
                assertTrue(
                        line.matches("[a-z0-9.]+:[0-9.]+\\|[cg]\\|#[^ ]+"),
                        "a DogStatsD line: " + line);
            }
        }
    }

    /**
     * Every other flavour the agent accepts (ConfigKey statsd.flavor), each in its own wire format,
     * as Micrometer's line builders write it: the same counter as the datadog test's first line.
     * Etsy puts the tags, sorted, into the dotted camelCase name; telegraf appends them
     * InfluxDB-style to a snake_case name; sysdig appends them after '#', with '-' in names and
     * values written as '_'.
     */
    @ParameterizedTest(name = "statsd.flavor={0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "etsy | \"imdsRequests.action.observed.client.HttpURLConnection.host.ip-10-1-2-3.path.meta-data.reason.none"
                        + ".service.billing.statistic.count.version.v1:2|c\"",
                "telegraf | \"imds_requests,statistic=count,action=observed,client=HttpURLConnection,host=ip-10-1-2-3,"
                        + "path=meta-data,reason=none,service=billing,version=v1:2|c\"",
                "sysdig | \"imds.requests#statistic=count,action=observed,client=HttpURLConnection,host=ip_10_1_2_3,"
                        + "path=meta_data,reason=none,service=billing,version=v1:2|c\""
            })
    void everyOtherFlavourIsSentInItsOwnWireFormat(String flavor, String expectedLine)
            throws Exception {
        try (MockImds mock = MockImds.builder().start();
                DatagramSocket statsd =
                        new DatagramSocket(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent(
                                    "statsd.host=127.0.0.1,statsd.port="
                                            + statsd.getLocalPort()
                                            + ",statsd.flavor="
                                            + flavor
                                            + ",service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("HOSTNAME", "ip-10-1-2-3")
                            .start();
            app.awaitStdout("done");
            AgentLines.await(
                    app,
                    "sending metrics to StatsD ("
                            + flavor
                            + ") at 127.0.0.1:"
                            + statsd.getLocalPort());
            app.sendLine("");
            JvmResult result = app.finish();
            assertEquals(0, result.exitCode(), result.describe());
            assertFalse(result.stderr().contains("internal error"), result.stderr());

            List<String> lines = receive(statsd, expectedLine);
            for (String line : lines) {
                assertFalse(line.contains("|#"), "no DogStatsD tags in " + flavor + ": " + line);
            }
        }
    }

    @Test
    void aStatsdAgentThatIsDownLeavesTheApplicationUnaffected() throws Exception {
        int closedPort;
        try (DatagramSocket gone =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = gone.getLocalPort();
        }
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult reference =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            AppJvm.Running app =
                    AppJvm.mainClass(JdkClientsApp.class, "1", "--hold")
                            .withAgent("statsd.host=127.0.0.1,statsd.port=" + closedPort)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            app.awaitStdout("done");
            AgentLines.await(app, "sending metrics to StatsD (datadog) at 127.0.0.1:" + closedPort);
            // At exit the agent sends the last step's lines into the closed port.
            app.sendLine("");
            JvmResult result = app.finish();

            assertEquals(0, result.exitCode(), result.describe());
            assertEquals(reference.stdout(), result.stdout());
            assertEquals("", result.applicationStderr());
            assertFalse(result.stderr().contains("internal error"), result.stderr());
            // Exactly none: the agent sends from an unconnected UDP socket, to which the kernel
            // never
            // reports the closed port (docs/metrics.md: a StatsD agent that is down goes
            // unnoticed).
            assertEquals(
                    List.of(),
                    result.agent().linesContaining("cannot send metrics"),
                    result.stderr());
        }
    }

    /** Reads datagrams until every expected line has arrived; returns every line received. */
    private static List<String> receive(DatagramSocket socket, String... expected)
            throws Exception {
        List<String> lines = new ArrayList<>();
        socket.setSoTimeout(15_000);
        byte[] buffer = new byte[65_536];
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!lines.containsAll(List.of(expected))) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("30 s");
                }
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "expected lines " + List.of(expected) + ", received " + lines);
            }
            for (String line :
                    new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)
                            .split("\n")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
