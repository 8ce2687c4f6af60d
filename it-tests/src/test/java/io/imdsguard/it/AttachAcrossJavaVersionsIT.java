package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.LoopingHucApp;
import io.imdsguard.it.support.AgentCommand;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.Await;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code attach} where legacy services run: into Java 8, 11 and 21 targets from the CLI on the
 * build's JDK, from a Java 8 JDK (tools.jar) into Java 8, a JRE that cannot attach, and a JVM
 * started under a wrapper ({@code timeout}), as PID 1 often is in a container. Exit 0 means the
 * agent loaded, and each test reads the target's state back: its calls change with the mode. The
 * legacy JVMs come from .ci/legacy-jdks; a test whose JVM is absent is skipped with a message.
 */
class AttachAcrossJavaVersionsIT {

    private static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    @ParameterizedTest(name = "CLI on the build''s JDK into {0}")
    @ValueSource(
            strings = {
                "imds.guard.it.jdk8.home",
                "imds.guard.it.jdk11.home",
                "imds.guard.it.jdk21.home"
            })
    void theCliOnTheBuildsJdkAttachesIntoALegacyTargetAndExitsZero(String target) throws Exception {
        Path targetJava = AppJava.requireLegacy(target, "the target JVM of " + target);
        attachEnforceThenReport(Paths.get(System.getProperty("java.home")), targetJava);
    }

    @Test
    void theCliOnAJava8JdkAttachesIntoJava8() throws Exception {
        Path jdk8 = AppJava.requireLegacy("imds.guard.it.jdk8.home", "Java 8 JDK");
        attachEnforceThenReport(jdk8, jdk8);
    }

    @Test
    void theCliOnAJava8JreSaysItNeedsAJdkAndSendsNothing() throws Exception {
        Path jre8 = AppJava.requireLegacy("imds.guard.it.jdk8.jre.home", "Java 8 JRE");
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingHucApp.class, "100")
                            .onJava(jre8)
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            app.awaitStdout("round 1 huc=200");
            JvmResult attach =
                    AgentCommand.runOn(jre8, "attach", String.valueOf(app.pid()), "mode=enforce");
            assertEquals(1, attach.exitCode(), attach.describe());
            assertTrue(
                    attach.stderr()
                            .startsWith(
                                    "imds-guard: attaching needs a JDK, not a JRE: the Java at "),
                    attach.describe());
            assertTrue(attach.stderr().contains("nor lib/tools.jar (Java 8)"), attach.describe());
            assertEquals(1, attach.stderr().lines().count(), attach.describe());
            JvmResult run = app.finish();
            assertTrue(run.agentLines().isEmpty(), "nothing reached the target: " + run.stderr());
        }
    }

    /**
     * {@code timeout 60 java ...}: the pid a user finds is the wrapper's. It is never signalled (a
     * wrapper forwards SIGQUIT, and its JVM prints a thread dump into the application's output):
     * the CLI says the pid is a wrapper and attaches to its one JVM.
     */
    @Test
    void attachToAWrapperPidAttachesToItsJvmChildAndSaysSoWithoutSignallingTheWrapper()
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingHucApp.class, "100")
                            .wrappedIn(List.of("timeout", "60", "sh", "-c", "exec"))
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            app.awaitStdout("round 1 huc=200");
            String wrapper = String.valueOf(app.pid());
            JvmResult attach = AgentCommand.run("attach", wrapper, "mode=enforce");
            assertEquals(0, attach.exitCode(), attach.describe());
            List<String> lines = attach.stdoutLines();
            assertEquals(2, lines.size(), attach.describe());
            assertTrue(
                    lines.get(0)
                            .startsWith(
                                    "process "
                                            + wrapper
                                            + " (timeout) is not a JVM but runs one, "),
                    attach.describe());
            String jvm = lines.get(0).replaceAll(".*: attaching to ", "");
            assertTrue(
                    lines.get(1).startsWith("attached imds-guard to " + jvm + " (mode=enforce)"),
                    attach.describe());
            awaitRoundsWith(app, "huc=401");
            assertFalse(
                    app.stdout().contains("Full thread dump"),
                    "no SIGQUIT reached the JVM:\n" + app.stdout());
            app.finish();
        }
    }

    /**
     * Attach mode=enforce, see the target's calls refused; attach mode=report, see them pass again.
     */
    private static void attachEnforceThenReport(Path cliJava, Path targetJava) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingHucApp.class, "100")
                            .onJava(targetJava)
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 1 huc=200");

            JvmResult enforce = AgentCommand.runOn(cliJava, "attach", pid, "mode=enforce");
            assertEquals(
                    0, enforce.exitCode(), "the agent loaded, so exit 0: " + enforce.describe());
            assertTrue(
                    enforce.stdout()
                            .startsWith("attached imds-guard to " + pid + " (mode=enforce)"),
                    enforce.describe());
            // The target's own state: its v1 calls now fail as under HttpTokens=required.
            awaitRoundsWith(app, "huc=401");
            assertTrue(
                    mock.stats().v2Rejected() > 0,
                    "IMDS refused the agent's token: " + mock.stats().summary());

            JvmResult report = AgentCommand.runOn(cliJava, "attach", pid, "mode=report");
            assertEquals(0, report.exitCode(), report.describe());
            assertTrue(
                    report.stdout()
                            .startsWith(
                                    "imds-guard already runs in "
                                            + pid
                                            + ": now mode=report (was"
                                            + " enforce)"),
                    report.describe());
            awaitRoundsWith(app, "huc=200");

            JvmResult run = app.finish();
            assertTrue(
                    run.agentLines().contains("mode changed by attach: enforce -> report"),
                    run.stderr());
            assertEquals(
                    1, run.agent().linesContaining(" attached: mode=enforce").size(), run.stderr());
        }
    }

    /**
     * Waits for two consecutive rounds that end with {@code result}, i.e. after the switch took
     * effect.
     */
    private static void awaitRoundsWith(AppJvm.Running app, String result)
            throws InterruptedException {
        Await.until(
                "two rounds with " + result,
                () -> {
                    List<String> rounds =
                            app.stdout().lines().filter(l -> l.startsWith("round ")).toList();
                    int n = rounds.size();
                    return n >= 2
                            && rounds.get(n - 1).endsWith(" " + result)
                            && rounds.get(n - 2).endsWith(" " + result);
                },
                app::stdout);
    }
}
