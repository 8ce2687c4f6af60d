package io.imdsguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AgentOutput;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every report and every reporting line says where it ran: service, pid, host, container, pod. */
class WhereItRanIT {

    private static AppJvm app(MockImds mock, Path report, String agentArguments) {
        return AppJvm.mainClass(JdkClientsApp.class, "1").withAgent("report=" + report + agentArguments)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                .withoutEnv("POD_NAME").withoutEnv("POD_NAMESPACE").withoutEnv("KUBERNETES_SERVICE_HOST")
                .withoutEnv("OTEL_SERVICE_NAME");
    }

    /** What the lines must say, built from the report, so that both tell the same place. */
    private static String expectedWhere(JsonNode json) {
        String container = json.get("container").isNull() ? "" : " container=" + json.get("container").asText()
                .substring(0, 12);
        String pod = json.get("pod").isNull() ? (json.get("namespace").isNull() ? ""
                : " namespace=" + json.get("namespace").asText())
                : " pod=" + (json.get("namespace").isNull() ? "" : json.get("namespace").asText() + "/")
                + json.get("pod").asText();
        return "service=" + json.get("service").asText() + " pid=" + json.get("pid").asLong() + " host="
                + json.get("host").asText() + container + pod;
    }

    @Test
    void podNamespaceAndOtelServiceNameFromTheEnvironmentAppearInTheReportAndTheLines(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, report, "")
                    .env("POD_NAME", "billing-7d9f5c-x2x4q").env("POD_NAMESPACE", "payments")
                    .env("OTEL_SERVICE_NAME", "billing-otel").run();
            assertEquals(0, run.exitCode(), run.describe());

            JsonNode json = Reports.read(report);
            assertEquals("billing-otel", json.get("service").asText());
            assertEquals("billing-7d9f5c-x2x4q", json.get("pod").asText());
            assertEquals("payments", json.get("namespace").asText());
            assertTrue(json.has("container"), json.toString());
            JsonNode container = json.get("container");
            assertTrue(container.isNull() || container.asText().matches("[0-9a-f]{64}"), container.toString());

            String where = expectedWhere(json);
            assertTrue(where.startsWith("service=billing-otel pid="), where);
            assertTrue(where.endsWith(" pod=payments/billing-7d9f5c-x2x4q"), where);
            AgentOutput agent = run.agent();
            assertEquals(where, agent.startWhere(), run.stderr());
            List<AgentOutput.FirstSight> sights = agent.firstSights();
            assertEquals(4, sights.size(), run.stderr());
            for (AgentOutput.FirstSight sight : sights) {
                assertEquals(where, sight.where(), run.stderr());
            }
            assertTrue(agent.linesContaining("summary: ").get(0).endsWith("; " + where), run.stderr());
        }
    }

    @Test
    void inKubernetesWithoutTheDownwardApiThePodIsTheHostName(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, report, "").env("KUBERNETES_SERVICE_HOST", "10.96.0.1")
                    .env("HOSTNAME", "orders-5b7c9-abcde").run();
            assertEquals(0, run.exitCode(), run.describe());
            JsonNode json = Reports.read(report);
            assertEquals("orders-5b7c9-abcde", json.get("pod").asText());
            assertEquals("orders-5b7c9-abcde", json.get("host").asText());
            assertEquals(expectedWhere(json), run.agent().startWhere());
        }
    }

    @Test
    void theServiceNameKeyWinsOverOtelServiceNameAndNoPodOutsideKubernetes(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = app(mock, report, ",service.name=checkout").env("OTEL_SERVICE_NAME", "ignored")
                    .env("HOSTNAME", "ip-10-0-0-12").run();
            assertEquals(0, run.exitCode(), run.describe());
            JsonNode json = Reports.read(report);
            assertEquals("checkout", json.get("service").asText());
            assertTrue(json.get("pod").isNull(), "a host name outside Kubernetes is no pod: " + json);
            String where = run.agent().startWhere();
            assertEquals(expectedWhere(json), where);
            assertFalse(where.contains("pod="), where);
        }
    }
}
