package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.LoopingV1App;
import io.imdsguard.it.support.AgentCommand;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.LoopingRounds;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar imds-guard-agent.jar attach PID mode=rewrite,...}: a running service's v1 calls
 * are rewritten from the attach on, judged by what an IMDS that requires tokens received.
 */
class AttachRewriteIT {

    private static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    private static final String CALLERS = "rewrite.callers=io.imdsguard.it.apps.";

    @Test
    void attachingInRewriteModeToAJvmWithoutTheAgentMakesItsV1CallsWorkUnderRequiredTokens()
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingV1App.class, "100")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 2 huc=401 jdk=401");

            JvmResult attach = AgentCommand.run("attach", pid, "mode=rewrite," + CALLERS);
            assertEquals(0, attach.exitCode(), attach.describe());
            assertTrue(
                    attach.stdout().startsWith("attached imds-guard to " + pid + " (mode=rewrite)"),
                    attach.describe());

            assertOnlyV2WithOneTokenReachesImds(app, mock);
            JvmResult run = app.finish();
            assertNoTokenLeaked(run, mock);
        }
    }

    @Test
    void attachingInRewriteModeToAJvmStartedWithTheAgentInReportModeSwitchesIt() throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            AppJvm.Running app =
                    AppJvm.mainClass(LoopingV1App.class, "100")
                            .withAgent("mode=report")
                            .env(ENDPOINT_VARIABLE, mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 2 huc=401 jdk=401");

            JvmResult attach = AgentCommand.run("attach", pid, "mode=rewrite," + CALLERS);
            assertEquals(0, attach.exitCode(), attach.describe());
            assertTrue(
                    attach.stdout()
                            .startsWith(
                                    "imds-guard already runs in "
                                            + pid
                                            + ": now mode=rewrite (was "
                                            + "report)"),
                    attach.describe());

            assertOnlyV2WithOneTokenReachesImds(app, mock);
            JvmResult run = app.finish();
            assertTrue(
                    run.agentLines().contains("mode changed by attach: report -> rewrite"),
                    run.stderr());
            assertNoTokenLeaked(run, mock);
        }
    }

    private static void assertOnlyV2WithOneTokenReachesImds(AppJvm.Running app, MockImds mock)
            throws InterruptedException {
        List<ReceivedRequest> after = LoopingRounds.settledRequests(app, mock);
        assertTrue(
                LoopingRounds.last(app).endsWith(" huc=200 jdk=200"), app.stdout() + app.stderr());
        assertTrue(
                after.stream().noneMatch(r -> r.kind() == ReceivedRequest.Kind.V1),
                "no v1 request reached IMDS after the attach: " + after);
        List<ReceivedRequest> v2 =
                after.stream().filter(r -> r.kind() == ReceivedRequest.Kind.V2).toList();
        assertTrue(
                v2.size() >= 4 && v2.stream().allMatch(r -> r.status() == 200),
                "each call arrived as v2 with a token IMDS accepted: " + after);
        assertEquals(
                1,
                mock.requests().stream()
                        .filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN)
                        .count(),
                "one token for the agent, reused: " + mock.requests());
    }

    private static void assertNoTokenLeaked(JvmResult run, MockImds mock) {
        assertFalse(mock.issuedTokens().isEmpty());
        for (String token : mock.issuedTokens()) {
            assertFalse(
                    run.stdout().contains(token) || run.stderr().contains(token),
                    "a token value leaked");
        }
    }
}
