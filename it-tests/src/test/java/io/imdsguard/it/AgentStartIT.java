package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.ExitsAtOnceApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * From premain the agent starts on a thread of its own while the application's main runs. A JVM
 * that is over at once must still get what a user relies on: the start line, the summary line and
 * the report, written at exit.
 */
class AgentStartIT {

    @ParameterizedTest
    @CsvSource({"return, 0", "exit, 3"})
    void aJvmThatEndsAtOnceStillGetsTheStartLineTheSummaryAndTheReport(
            String ending, int exitCode, @TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.mainClass(ExitsAtOnceApp.class, ending).withAgent("report=" + report).run();

        assertEquals(exitCode, run.exitCode(), run.describe());
        assertTrue(run.stdout().contains("exits-at-once: " + ending), run.describe());
        assertEquals(1, run.agent().linesContaining(" started: mode=report").size(), run.stderr());
        assertEquals(
                1,
                run.agent()
                        .linesContaining(
                                "summary: 0 IMDSv1 call site(s), 0 v1 call(s), 0 v2 call(s)")
                        .size(),
                run.stderr());
        JsonNode json = Reports.read(report);
        assertEquals(0, json.get("totals").get("v1").asLong(), json.toString());
        assertEquals("report", json.get("mode").asText(), json.toString());
    }
}
