package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.imdsguard.it.apps.LoopingV1App;
import io.imdsguard.it.support.AgentCommand;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.Await;
import io.imdsguard.it.support.Bounded;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.Jmx;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.JvmUnderTest;
import io.imdsguard.it.support.LoopingRounds;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MBean {@code io.imdsguard:type=ImdsGuard}, read and driven the way an operator does: from
 * another process, over a JMX port (on loopback here).
 */
class JmxControlIT {

    private static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    private static final ObjectName IMDS_GUARD = name("io.imdsguard:type=ImdsGuard");

    @Test
    void anOperatorReadsModeAndCountsAndWritesTheReportButCannotChangeTheModeWithoutJmxControl(
            @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("jmx-report.json");
            int port = FreePort.find();
            AppJvm.Running app =
                    withJmxPort(
                                    AppJvm.mainClass(LoopingV1App.class, "20", "3")
                                            .withAgent(
                                                    "report="
                                                            + report
                                                            + ",service.name=jmx-target"),
                                    port)
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            app.awaitStdout("idle");
            try (JMXConnector connector = connect(port)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                awaitMBean(jmx, app);

                ImdsStats stats = mock.stats();
                assertEquals(6, stats.v1Served(), stats.summary());
                assertEquals("report", jmx.getAttribute(IMDS_GUARD, "Mode"));
                assertEquals(stats.v1Served(), jmx.getAttribute(IMDS_GUARD, "V1Requests"));
                assertEquals(stats.v2Served(), jmx.getAttribute(IMDS_GUARD, "V2Requests"));
                assertEquals(stats.tokensIssued(), jmx.getAttribute(IMDS_GUARD, "TokenRequests"));
                assertEquals(2L, jmx.getAttribute(IMDS_GUARD, "V1CallSites"));
                for (String zero :
                        List.of("Rewritten", "RewriteDenied", "RewriteFailed", "Blocked")) {
                    assertEquals(0L, jmx.getAttribute(IMDS_GUARD, zero), zero);
                }
                assertEquals("jmx-target", jmx.getAttribute(IMDS_GUARD, "ServiceName"));
                assertEquals(report.toString(), jmx.getAttribute(IMDS_GUARD, "ReportPath"));
                assertEquals(false, jmx.getAttribute(IMDS_GUARD, "JmxControl"));

                Files.deleteIfExists(report);
                assertEquals(
                        report.toString(),
                        jmx.invoke(IMDS_GUARD, "writeReport", new Object[0], new String[0]));
                assertEquals(
                        6,
                        Reports.read(report).get("totals").get("v1").asLong(),
                        "written now, not at exit");

                Exception refused =
                        assertThrows(
                                Exception.class,
                                () ->
                                        jmx.setAttribute(
                                                IMDS_GUARD, new Attribute("Mode", "enforce")));
                assertTrue(
                        causes(refused)
                                .contains(
                                        "start imds-guard with jmx.control=true (key 'jmx.control')"),
                        causes(refused));
                assertThrows(
                        Exception.class,
                        () -> jmx.setAttribute(IMDS_GUARD, new Attribute("RewriteCallers", "*")));
                assertEquals("report", jmx.getAttribute(IMDS_GUARD, "Mode"));
                assertEquals(
                        "com.amazonaws.internal.ConnectionUtils;com.amazonaws.internal.EC2MetadataClient;"
                                + "com.amazonaws.util.EC2MetadataUtils;software.amazon.awssdk.regions.internal.util."
                                + "ConnectionUtils",
                        jmx.getAttribute(IMDS_GUARD, "RewriteCallers"));
            }
            JvmResult run = app.finish();
            assertTrue(run.agent().linesContaining("changed by").isEmpty(), run.stderr());
        }
    }

    /**
     * Against an IMDS that requires tokens (so v1 can only work rewritten), switched over JMX from
     * report to enforce to rewrite; each switch is judged by what IMDS received after it.
     */
    @Test
    void withJmxControlAModeChangeOverJmxTakesEffectAtOnceAndIsLogged() throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            int port = FreePort.find();
            AppJvm jvm =
                    withJmxPort(AppJvm.mainClass(LoopingV1App.class, "100"), port)
                            .env(ENDPOINT_VARIABLE, mock.endpoint());
            // The JVM attached to decides: JDK 21+ warns of a dynamically loaded agent unless told
            // it may
            // load one. The it-jdk25 pass (and issue 16's JDK 21 run) check this; JDK 17 has no
            // warning.
            boolean quietAttach = JvmUnderTest.feature(jvm) >= 21;
            if (quietAttach) {
                jvm.jvmOption("-XX:+EnableDynamicAgentLoading");
            }
            AppJvm.Running app = jvm.start();
            app.awaitStdout("round 1 huc=401 jdk=401");
            JvmResult attach =
                    AgentCommand.run("attach", String.valueOf(app.pid()), "jmx.control=true");
            assertEquals(0, attach.exitCode(), attach.describe());

            try (JMXConnector connector = connect(port)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                awaitMBean(jmx, app);
                assertEquals(true, jmx.getAttribute(IMDS_GUARD, "JmxControl"));
                assertEquals("", jmx.getAttribute(IMDS_GUARD, "ReportPath"));
                assertTrue(
                        ((String)
                                        jmx.invoke(
                                                IMDS_GUARD,
                                                "writeReport",
                                                new Object[0],
                                                new String[0]))
                                .startsWith("no report: imds-guard runs without the key 'report'"));

                Exception bad =
                        assertThrows(
                                Exception.class,
                                () ->
                                        jmx.setAttribute(
                                                IMDS_GUARD, new Attribute("Mode", "strict")));
                assertTrue(
                        causes(bad).contains("bad value for 'mode': unknown mode 'strict'"),
                        causes(bad));
                List<ReceivedRequest> inReport = LoopingRounds.settledRequests(app, mock);
                assertTrue(
                        inReport.stream()
                                .allMatch(
                                        r ->
                                                r.kind() == ReceivedRequest.Kind.V1
                                                        && r.status() == 401),
                        "in report mode v1 goes out unchanged: " + inReport);

                jmx.setAttribute(IMDS_GUARD, new Attribute("Mode", "enforce"));
                assertEquals("enforce", jmx.getAttribute(IMDS_GUARD, "Mode"));
                List<ReceivedRequest> inEnforce = LoopingRounds.settledRequests(app, mock);
                assertTrue(LoopingRounds.last(app).endsWith(" huc=401 jdk=401"), app.stdout());
                assertTrue(
                        inEnforce.size() >= 4
                                && inEnforce.stream()
                                        .noneMatch(r -> r.kind() == ReceivedRequest.Kind.V1),
                        "enforce lets no v1 request reach IMDS: " + inEnforce);
                assertTrue((Long) jmx.getAttribute(IMDS_GUARD, "Blocked") >= 4);

                jmx.setAttribute(
                        IMDS_GUARD, new Attribute("RewriteCallers", "io.imdsguard.it.apps."));
                jmx.setAttribute(IMDS_GUARD, new Attribute("Mode", "rewrite"));
                List<ReceivedRequest> inRewrite = LoopingRounds.settledRequests(app, mock);
                assertTrue(LoopingRounds.last(app).endsWith(" huc=200 jdk=200"), app.stdout());
                long v2 =
                        inRewrite.stream().filter(r -> r.kind() == ReceivedRequest.Kind.V2).count();
                assertTrue(
                        v2 >= 4
                                && inRewrite.stream()
                                        .noneMatch(r -> r.kind() == ReceivedRequest.Kind.V1),
                        "IMDS received only v2 after the switch: " + inRewrite);
                assertTrue(
                        inRewrite.stream()
                                .filter(r -> r.kind() == ReceivedRequest.Kind.V2)
                                .allMatch(r -> r.status() == 200),
                        "each with a token IMDS accepted: " + inRewrite);
                long tokenPuts =
                        mock.requests().stream()
                                .filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN)
                                .count();
                assertEquals(1, tokenPuts, "one token for the agent, reused: " + mock.requests());
                assertTrue((Long) jmx.getAttribute(IMDS_GUARD, "Rewritten") >= 4);
            }
            JvmResult run = app.finish();
            List<String> agent = run.agentLines();
            assertTrue(agent.contains("mode changed by JMX: report -> enforce"), run.stderr());
            assertTrue(
                    agent.contains(
                            "rewrite.callers changed by JMX: com.amazonaws.internal.ConnectionUtils;"
                                    + "com.amazonaws.internal.EC2MetadataClient;com.amazonaws.util.EC2MetadataUtils;"
                                    + "software.amazon.awssdk.regions.internal.util.ConnectionUtils -> io.imdsguard.it.apps."
                                    + " (used once mode=rewrite)"),
                    run.stderr());
            assertTrue(agent.contains("mode changed by JMX: enforce -> rewrite"), run.stderr());
            for (String token : mock.issuedTokens()) {
                assertFalse(
                        run.stdout().contains(token) || run.stderr().contains(token),
                        "a token value leaked");
            }
            if (quietAttach) {
                assertFalse(
                        run.stderr().contains("loaded dynamically"),
                        "-XX:+EnableDynamicAgentLoading silences the"
                                + " JDK's warning: "
                                + run.stderr());
            }
        }
    }

    @Test
    void aJvmStartedWithoutJmxGetsTheMBeanOnceAJmxClientConnectsLocallyAsJConsoleDoes()
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingV1App.class, "20", "2")
                            .withAgent("")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            app.awaitStdout("idle");
            // What JConsole does for a local JVM: attach and start the JVM's local management
            // agent.
            String address =
                    Bounded.within(
                            Jmx.CONNECT_TIMEOUT,
                            "attaching to start the local management agent",
                            () -> {
                                VirtualMachine vm =
                                        VirtualMachine.attach(String.valueOf(app.pid()));
                                try {
                                    return vm.startLocalManagementAgent();
                                } finally {
                                    vm.detach();
                                }
                            });
            try (JMXConnector connector = Jmx.connect(new JMXServiceURL(address))) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                awaitMBean(jmx, app);
                assertEquals(4L, jmx.getAttribute(IMDS_GUARD, "V1Requests"));
                assertEquals(mock.stats().v1Served(), jmx.getAttribute(IMDS_GUARD, "V1Requests"));
            }
            app.finish();
        }
    }

    /**
     * A JMX port on loopback only, without authentication: fine for a test, never for a service.
     */
    private static AppJvm withJmxPort(AppJvm jvm, int port) {
        return jvm.systemProperty("com.sun.management.jmxremote.port", String.valueOf(port))
                .systemProperty("com.sun.management.jmxremote.rmi.port", String.valueOf(port))
                .systemProperty("com.sun.management.jmxremote.host", "127.0.0.1")
                .systemProperty("com.sun.management.jmxremote.authenticate", "false")
                .systemProperty("com.sun.management.jmxremote.ssl", "false")
                .systemProperty("java.rmi.server.hostname", "127.0.0.1");
    }

    private static JMXConnector connect(int port) throws Exception {
        return Jmx.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
    }

    /** After -javaagent the MBean comes a little later, off the start-up path. */
    private static void awaitMBean(MBeanServerConnection jmx, AppJvm.Running app)
            throws InterruptedException {
        Await.until(
                "the MBean " + IMDS_GUARD,
                () -> {
                    try {
                        return jmx.isRegistered(IMDS_GUARD);
                    } catch (IOException e) {
                        return false;
                    }
                },
                app::stderr);
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append(" | ");
        }
        return text.toString();
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
