package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AgentOutput;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.ContainerNamespace;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.it.support.RequiredTool;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every report and every reporting line says where it ran: service, pid, host, container, pod. Each
 * is compared with the real process (its pid, this machine's host name) or with what the test set
 * up (environment, a container id), never with the report under test.
 */
class WhereItRanIT {

    private static AppJvm app(MockImds mock, Path report, String agentArguments) {
        return AppJvm.mainClass(JdkClientsApp.class, "1")
                .withAgent("report=" + report + agentArguments)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                .withoutEnv("POD_NAME")
                .withoutEnv("POD_NAMESPACE")
                .withoutEnv("KUBERNETES_SERVICE_HOST")
                .withoutEnv("OTEL_SERVICE_NAME");
    }

    /** A finished JVM and its pid, as the operating system gave it. */
    private record Ran(JvmResult result, long pid) {}

    private static Ran run(AppJvm jvm) throws IOException, InterruptedException {
        AppJvm.Running running = jvm.start();
        long pid = running.pid();
        JvmResult result = running.finish();
        assertEquals(0, result.exitCode(), result.describe());
        return new Ran(result, pid);
    }

    /** This machine's host name, as the kernel tells it (what {@code hostname} prints). */
    private static String machineHostName() throws IOException {
        return Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
    }

    /**
     * The container id of a JVM that the test did not put into one: whatever this machine shows, as
     * the report says.
     */
    private static String containerPart(JsonNode json) {
        return json.get("container").isNull()
                ? ""
                : " container=" + json.get("container").asText().substring(0, 12);
    }

    @Test
    void podNamespaceAndOtelServiceNameFromTheEnvironmentAppearInTheReportAndTheLines(
            @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            Ran ran =
                    run(
                            app(mock, report, "")
                                    .withoutEnv("HOSTNAME")
                                    .env("POD_NAME", "billing-7d9f5c-x2x4q")
                                    .env("POD_NAMESPACE", "payments")
                                    .env("OTEL_SERVICE_NAME", "billing-otel"));
            JvmResult run = ran.result();

            JsonNode json = Reports.read(report);
            assertEquals("billing-otel", json.get("service").asText());
            assertEquals("billing-7d9f5c-x2x4q", json.get("pod").asText());
            assertEquals("payments", json.get("namespace").asText());
            assertEquals(ran.pid(), json.get("pid").asLong(), "the JVM's own pid");
            assertEquals(
                    machineHostName(),
                    json.get("host").asText(),
                    "without HOSTNAME, the kernel's host name");
            assertTrue(json.has("container"), json.toString());
            JsonNode container = json.get("container");
            assertTrue(
                    container.isNull() || container.asText().matches("[0-9a-f]{64}"),
                    container.toString());

            String where =
                    "service=billing-otel pid="
                            + ran.pid()
                            + " host="
                            + machineHostName()
                            + containerPart(json)
                            + " pod=payments/billing-7d9f5c-x2x4q";
            AgentOutput agent = run.agent();
            assertEquals(where, agent.startWhere(), run.stderr());
            List<AgentOutput.FirstSight> sights = agent.firstSights();
            assertEquals(4, sights.size(), run.stderr());
            for (AgentOutput.FirstSight sight : sights) {
                assertEquals(where, sight.where(), run.stderr());
            }
            assertTrue(
                    agent.linesContaining("summary: ").get(0).endsWith("; " + where), run.stderr());
        }
    }

    @Test
    void inKubernetesWithoutTheDownwardApiThePodIsTheHostName(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            Ran ran =
                    run(
                            app(mock, report, ",service.name=orders")
                                    .env("KUBERNETES_SERVICE_HOST", "10.96.0.1")
                                    .env("HOSTNAME", "orders-5b7c9-abcde"));
            JsonNode json = Reports.read(report);
            assertEquals("orders-5b7c9-abcde", json.get("pod").asText());
            assertEquals("orders-5b7c9-abcde", json.get("host").asText());
            assertEquals(ran.pid(), json.get("pid").asLong());
            assertEquals(
                    "service=orders pid="
                            + ran.pid()
                            + " host=orders-5b7c9-abcde"
                            + containerPart(json)
                            + " pod=orders-5b7c9-abcde",
                    ran.result().agent().startWhere());
        }
    }

    @Test
    void theServiceNameKeyWinsOverOtelServiceNameAndNoPodOutsideKubernetes(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            Ran ran =
                    run(
                            app(mock, report, ",service.name=checkout")
                                    .env("OTEL_SERVICE_NAME", "ignored")
                                    .env("HOSTNAME", "ip-10-0-0-12"));
            JsonNode json = Reports.read(report);
            assertEquals("checkout", json.get("service").asText());
            assertTrue(
                    json.get("pod").isNull(), "a host name outside Kubernetes is no pod: " + json);
            String where = ran.result().agent().startWhere();
            assertEquals(
                    "service=checkout pid="
                            + ran.pid()
                            + " host=ip-10-0-0-12"
                            + containerPart(json),
                    where);
            assertFalse(where.contains("pod="), where);
        }
    }

    /**
     * A JVM that the test puts into a container (as the runtimes show one to the process) names
     * that container.
     */
    @ParameterizedTest(name = "the id shown by {0}")
    @EnumSource(ContainerNamespace.Shows.class)
    void inAContainerTheReportAndTheLinesNameItsId(
            ContainerNamespace.Shows shows, @TempDir Path dir) throws Exception {
        String reason = ContainerNamespace.unavailableReason();
        RequiredTool.require(
                reason == null, "no mount namespace with bind mounts here (" + reason + ")");
        String id = "4f1c2e8a9b7d6c5e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e";
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            // The JVM's own container support reads the same files and expects them to match the
            // host's
            // cgroup mounts, which these made-up ones need not (Temurin 25 crashes on '0::/' over
            // cgroup v1
            // mounts); it is turned off: what is tested is what the agent reads.
            Ran ran =
                    run(
                            app(mock, report, ",service.name=boxed")
                                    .env("HOSTNAME", "ctr-host")
                                    .jvmOption("-XX:-UseContainerSupport")
                                    .wrappedIn(ContainerNamespace.withContainerId(dir, id, shows)));
            JsonNode json = Reports.read(report);
            assertEquals(id, json.get("container").asText(), json.toString());
            assertEquals(
                    "service=boxed pid=" + ran.pid() + " host=ctr-host container=4f1c2e8a9b7d",
                    ran.result().agent().startWhere(),
                    ran.result().stderr());
        }
    }
}
