package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.LoopingV1App;
import io.imdsguard.it.support.AgentCommand;
import io.imdsguard.it.support.AgentOutput;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.Await;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.JvmUnderTest;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar imds-guard-agent.jar attach PID}: a service already running without the agent
 * gets it without a restart, and a second attach switches its mode. The mock IMDS allows v1
 * (HttpTokens=optional) throughout, so a 401 can only come from enforce.
 */
class AttachIT {

    private static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    @Test
    void attachedToARunningJvmItReportsLaterCallsAndASecondAttachSwitchesToEnforce(
            @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm target =
                    AppJvm.mainClass(LoopingV1App.class, "100")
                            .env(ENDPOINT_VARIABLE, mock.endpoint());
            // The JVM attached to decides whether it warns (JDK 21+): the it-jdk25 pass and issue
            // 16's JDK 21
            // run check the warning, the JDK 17 (and 8, 11) runs check that nothing breaks without
            // it.
            boolean warnsOfDynamicAgents = JvmUnderTest.feature(target) >= 21;
            AppJvm.Running app = target.start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 2 huc=200 jdk=200");
            assertEquals(
                    Optional.of("-"), listed(pid), "list shows the JVM, without imds-guard yet");

            Path report = dir.resolve("attached-report.json");
            JvmResult attach =
                    AgentCommand.run("attach", pid, "report=" + report + ",report.interval=1");
            assertEquals(0, attach.exitCode(), attach.describe());
            assertEquals(
                    "attached imds-guard to "
                            + pid
                            + " (mode=report); it logs to the standard error of "
                            + pid
                            + "; report: "
                            + report,
                    attach.stdout().trim());

            // Both clients were loaded before the attach: their classes were retransformed.
            Await.until(
                    "first-sight blocks of both clients",
                    () -> firstSights(app).size() == 2,
                    app::stderr);
            assertEquals(
                    Set.of("HttpURLConnection", "java.net.http.HttpClient"),
                    firstSights(app).stream()
                            .map(AgentOutput.FirstSight::client)
                            .collect(Collectors.toSet()));
            assertTrue(
                    firstSights(app).stream()
                            .allMatch(
                                    s ->
                                            s.action().equals("observed")
                                                    && s.site()
                                                            .startsWith(
                                                                    LoopingV1App.class.getName()
                                                                            + ".via")),
                    app.stderr());
            Await.until("a report with both call sites", () -> sites(report) == 2, app::stderr);
            assertEquals("report", Reports.read(report).get("mode").asText());
            assertEquals(
                    Optional.of("mode=report"),
                    listed(pid),
                    "list shows that imds-guard runs there now");

            JvmResult enforce = AgentCommand.run("attach", pid, "mode=enforce");
            assertEquals(0, enforce.exitCode(), enforce.describe());
            assertTrue(
                    enforce.stdout()
                            .startsWith(
                                    "imds-guard already runs in "
                                            + pid
                                            + ": now mode=enforce (was report)"),
                    enforce.describe());
            int roundsBefore = rounds(app).size();
            // The round under way during the attach may mix both modes; the one after it may not.
            Await.until(
                    "two rounds after the switch",
                    () -> rounds(app).size() >= roundsBefore + 3,
                    app::stdout);
            List<String> after = rounds(app).subList(roundsBefore + 1, rounds(app).size());
            assertTrue(
                    after.stream().allMatch(r -> r.endsWith(" huc=401 jdk=401")), after.toString());
            assertTrue(
                    mock.stats().v2Rejected() >= 4,
                    "IMDS itself refused them: " + mock.stats().summary());
            Await.until("a report in enforce mode", () -> blocked(report) >= 4, app::stderr);

            JvmResult run = app.finish();
            List<String> agent = run.agentLines();
            assertTrue(agent.contains("mode changed by attach: report -> enforce"), run.stderr());
            assertEquals(
                    1,
                    run.agent().linesContaining(" attached: mode=report").size(),
                    "instrumented once, not twice: " + run.stderr());
            assertEquals(
                    2,
                    run.agent().firstSights().size(),
                    "no site is reported twice: " + run.stderr());
            JsonNode json = Reports.read(report);
            assertEquals("enforce", json.get("mode").asText());
            for (JsonNode site : Reports.callSites(json)) {
                assertTrue(site.get("actions").get("observed").asLong() > 0, site.toString());
                assertTrue(site.get("actions").get("blocked").asLong() >= 2, site.toString());
            }
            if (warnsOfDynamicAgents) {
                assertTrue(
                        run.stderr().contains("WARNING: A Java agent has been loaded dynamically"),
                        "the JDK's own warning, documented in docs/operations.md: " + run.stderr());
            }
        }
    }

    @Test
    void aJvmStartedWithTheAgentIsReconfiguredNotInstrumentedAgain(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingV1App.class, "100")
                            .withAgent("mode=enforce")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 1 huc=401 jdk=401");

            JvmResult attach =
                    AgentCommand.run("attach", pid, "mode=report,log=" + dir.resolve("other.log"));
            assertEquals(0, attach.exitCode(), attach.describe());
            assertTrue(
                    attach.stdout()
                            .contains(
                                    "now mode=report (was enforce); not changed at run time (they need a"
                                            + " restart): log; it logs to the standard error of "
                                            + pid),
                    attach.describe());
            int roundsBefore = rounds(app).size();
            Await.until(
                    "two rounds after the switch",
                    () -> rounds(app).size() >= roundsBefore + 3,
                    app::stdout);
            assertTrue(
                    rounds(app).get(rounds(app).size() - 1).endsWith(" huc=200 jdk=200"),
                    app.stdout());

            JvmResult run = app.finish();
            assertTrue(
                    run.agentLines().contains("mode changed by attach: enforce -> report"),
                    run.stderr());
            assertTrue(
                    run.agentLines()
                            .contains(
                                    "attach: applied mode; unchanged (none); need a JVM restart, NOT"
                                            + " applied log (only mode, rewrite.callers and jmx.control change at run time)"),
                    run.stderr());
            assertEquals(
                    1, run.agent().linesContaining(" started: mode=enforce").size(), run.stderr());
            assertFalse(
                    Files.exists(dir.resolve("other.log")),
                    "a key that needs a restart changed nothing");
        }
    }

    @Test
    void aTargetThatRefusesTheConfigurationSaysSoAndALaterAttachWithAGoodOneStartsTheAgent()
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingV1App.class, "100")
                            .systemProperty("imds.guard.mode", "strict")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 1 huc=200 jdk=200");

            JvmResult refused = AgentCommand.run("attach", pid);
            assertFailedWith(
                    refused,
                    1,
                    "imds-guard: imds-guard did not start in "
                            + pid
                            + ": the target refused its"
                            + " configuration");
            Await.until(
                    "the target's reason",
                    () ->
                            app.stderr()
                                    .contains(
                                            "configuration error: bad value for 'mode'"
                                                    + " in system property -Dimds.guard.mode: unknown mode 'strict'"),
                    app::stderr);

            // Agent arguments win over system properties, as at start-up.
            JvmResult attach = AgentCommand.run("attach", pid, "mode=report");
            assertEquals(0, attach.exitCode(), attach.describe());
            assertTrue(
                    attach.stdout().startsWith("attached imds-guard to " + pid + " (mode=report)"),
                    attach.describe());
            Await.until(
                    "first-sight blocks of both clients",
                    () -> firstSights(app).size() == 2,
                    app::stderr);

            JvmResult run = app.finish();
            // The bridge classes were defined by the first attempt; defining them again would fail
            // and
            // fall back to appending a jar to the boot class path, which the JVM would announce.
            assertFalse(
                    run.stderr().contains("bootstrap classpath has been appended"), run.stderr());
            assertFalse(run.stderr().contains("internal error"), run.stderr());
        }
    }

    @Test
    void whatCannotBeAttachedToFailsWithOneClearLineAndNoStackTrace() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "'true' did not end");
        JvmResult missing = AgentCommand.run("attach", String.valueOf(gone.pid()));
        assertFailedWith(missing, 1, "imds-guard: no process with pid " + gone.pid());

        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            JvmResult notJvm = AgentCommand.run("attach", String.valueOf(sleep.pid()));
            assertFailedWith(
                    notJvm,
                    1,
                    "imds-guard: process "
                            + sleep.pid()
                            + " (sleep) is not a JVM that can be"
                            + " attached");
            assertTrue(sleep.isAlive(), "nothing was sent to it");

            JvmResult badKeys =
                    AgentCommand.run(
                            "attach", String.valueOf(sleep.pid()), "mode=strict,prometheus.port=x");
            assertEquals(2, badKeys.exitCode(), badKeys.describe());
            assertEquals(
                    List.of(
                            "imds-guard: configuration error: bad value for 'mode' in agent argument 'mode=strict': unknown"
                                    + " mode 'strict'; accepted: report, rewrite or enforce",
                            "imds-guard: configuration error: bad value for 'prometheus.port' in agent argument"
                                    + " 'prometheus.port=x': 'x' is not a number; accepted: a TCP port from 1 to 65535",
                            "imds-guard: nothing was attached to " + sleep.pid()),
                    badKeys.stderr().lines().toList());
        } finally {
            sleep.destroy();
        }

        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running locked =
                    AppJvm.mainClass(LoopingV1App.class, "200")
                            .jvmOption("-XX:+DisableAttachMechanism")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            locked.awaitStdout("round 1");
            JvmResult refused = AgentCommand.run("attach", String.valueOf(locked.pid()));
            assertFailedWith(
                    refused,
                    1,
                    "imds-guard: the JVM "
                            + locked.pid()
                            + " refuses attach: it runs with"
                            + " -XX:+DisableAttachMechanism");
            JvmResult run = locked.finish();
            assertTrue(run.agentLines().isEmpty(), run.stderr());
        }
    }

    private static void assertFailedWith(JvmResult result, int exitCode, String start) {
        assertEquals(exitCode, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith(start), result.describe());
        assertEquals(1, result.stderr().lines().count(), "one line: " + result.describe());
        assertFalse(
                result.stderr().contains("\tat ") || result.stderr().contains("Exception in"),
                result.describe());
        assertEquals("", result.stdout());
    }

    /** The IMDS-GUARD column of 'list' for the pid, if listed. */
    private static Optional<String> listed(String pid) throws IOException, InterruptedException {
        JvmResult list = AgentCommand.run("list");
        assertEquals(0, list.exitCode(), list.describe());
        assertTrue(list.stdout().startsWith("PID"), list.describe());
        return list.stdoutLines().stream()
                .filter(l -> l.startsWith(pid + " "))
                .findFirst()
                .map(l -> l.substring(pid.length()).trim().split("\\s+")[0]);
    }

    private static List<AgentOutput.FirstSight> firstSights(AppJvm.Running app) {
        return new JvmResult(0, "", app.stderr()).agent().firstSights();
    }

    private static List<String> rounds(AppJvm.Running app) {
        return app.stdout().lines().filter(l -> l.startsWith("round ")).toList();
    }

    private static int sites(Path report) {
        try {
            return Files.exists(report) ? Reports.callSites(Reports.read(report)).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long blocked(Path report) {
        try {
            JsonNode json = Reports.read(report);
            return "enforce".equals(json.get("mode").asText())
                    ? json.get("totals").get("blocked").asLong()
                    : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
