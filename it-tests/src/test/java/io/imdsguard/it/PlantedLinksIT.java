package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared report folder is writable by everyone who shares it. Links planted there before the
 * service starts, at the report's temporary and final names, at the log's name and at a {@code
 * check} output, never make the agent overwrite the file they point to.
 */
class PlantedLinksIT {

    private static final String VICTIM = "# victim.conf: must stay as it is\n";

    @Test
    void linksPlantedAtTheReportLogAndCheckOutputNamesLeaveTheirTargetsUnchanged(@TempDir Path dir)
            throws Exception {
        Path victim = dir.resolve("victim.conf");
        Files.writeString(victim, VICTIM);
        Path report = dir.resolve("report.json");
        Path log = dir.resolve("agent.log");
        Path html = dir.resolve("fleet.html");
        Files.createSymbolicLink(dir.resolve("report.json.tmp"), victim);
        Files.createSymbolicLink(dir.resolve(".report.json.tmp"), victim);
        Files.createSymbolicLink(report, victim);
        Files.createSymbolicLink(log, victim);
        Files.createSymbolicLink(html, victim);

        try (MockImds mock = MockImds.builder().start()) {
            JvmResult run =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .withAgent("report=" + report + ",log=" + log)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(
                    VICTIM, Files.readString(victim), "the agent wrote through a planted link");
            assertTrue(
                    run.stderr().contains("cannot write the log file '" + log + "'"), run.stderr());
            assertTrue(
                    run.agent().linesContaining("IMDSv1 call from").size() > 0,
                    "logged to standard error instead");
            assertFalse(Files.isSymbolicLink(report), "the report replaced the link");
            JsonNode json = Reports.read(report);
            assertEquals(4, json.get("totals").get("v1").asLong(), json.toString());
        }

        JvmResult check =
                AppJvm.agentCommand("check", "--html", html.toString(), report.toString()).run();
        assertEquals(1, check.exitCode(), "v1 calls: NOT READY " + check.describe());
        assertEquals(VICTIM, Files.readString(victim), "check wrote through a planted link");
        assertFalse(Files.isSymbolicLink(html));
        assertTrue(
                Files.readString(html, StandardCharsets.UTF_8).contains("<html"),
                "the page is where it was asked");
    }
}
