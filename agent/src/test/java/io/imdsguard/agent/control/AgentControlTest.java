package io.imdsguard.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.config.AgentConfig;
import io.imdsguard.agent.config.ConfigLoader;
import io.imdsguard.agent.config.ConfigResult;
import io.imdsguard.agent.config.Mode;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentControlTest {

    /** Never contacted: the requests below are only decided about, never sent. */
    private static final String ORIGIN = "http://127.0.0.1:1338";

    @TempDir Path dir;

    private Path logFile;
    private LazyTokenProvider tokens;
    private Reporter reporter;

    private AgentControl control(String arguments) {
        logFile = dir.resolve("agent.log");
        AgentLog log = AgentLog.open(logFile.toString(), false);
        tokens = new LazyTokenProvider(1000, 1000, 60, log, new ImdsMetrics());
        reporter =
                new Reporter(
                        log,
                        RuntimeInfo.current("control-test"),
                        "report",
                        new RequestTotals(),
                        new CallSiteRegistry(),
                        dir.resolve("report.json").toString());
        return new AgentControl(
                config(arguments), tokens, log, reporter, new AgentStatus("test", null, null));
    }

    private static AgentConfig config(String arguments) {
        ConfigResult result =
                ConfigLoader.load(
                        arguments,
                        Collections.<String, String>emptyMap(),
                        Collections.<String, String>emptyMap());
        assertTrue(result.ok(), result.errors().toString());
        return result.config();
    }

    private List<String> log() throws IOException {
        return Files.readAllLines(logFile, StandardCharsets.UTF_8);
    }

    private static Action decide(AgentControl control) {
        ImdsRequest v1 =
                new ImdsRequest(
                        "HttpURLConnection",
                        "GET",
                        "/latest/meta-data/instance-id",
                        false,
                        false,
                        ORIGIN);
        StackTraceElement[] stack = {
            new StackTraceElement("com.acme.untrusted.Fetcher", "fetch", "Fetcher.java", 7)
        };
        return control.decideV1(v1, CallerFrames.of(stack)).action();
    }

    @Test
    void theModeSwitchesWithTheNextRequestAndEachChangeIsLoggedWithWhoMadeIt() throws IOException {
        AgentControl control = control("mode=report");
        assertEquals(Action.OBSERVED, decide(control));

        control.change(Mode.ENFORCE, null, AgentControl.BY_ATTACH);
        assertEquals(Action.BLOCKED, decide(control));
        control.change(Mode.REWRITE, null, AgentControl.BY_JMX);
        assertEquals(
                Action.REWRITE_DENIED, decide(control), "an untrusted caller stays out of scope");
        control.change(Mode.REPORT, null, AgentControl.BY_JMX);
        assertEquals(
                Action.OBSERVED,
                decide(control),
                "switching away from rewrite stops rewriting at once");

        List<String> log = log();
        assertTrue(
                log.contains("[imds-guard] mode changed by attach: report -> enforce"),
                log.toString());
        assertTrue(
                log.contains("[imds-guard] mode changed by JMX: enforce -> rewrite"),
                log.toString());
        assertTrue(
                log.contains("[imds-guard] mode changed by JMX: rewrite -> report"),
                log.toString());
    }

    @Test
    void theTokenProviderIsMadeOnlyWhenRewriteModeIsEntered() {
        AgentControl control = control("mode=report");
        assertNull(tokens.existing(), "report mode holds no token provider");
        control.change(Mode.ENFORCE, null, AgentControl.BY_ATTACH);
        assertNull(tokens.existing(), "enforce mode needs no token either");
        control.change(Mode.REWRITE, null, AgentControl.BY_ATTACH);
        assertNotNull(tokens.existing());
    }

    @Test
    void aChangedScopeIsLoggedOldAndNewAndDecidesTheNextRequest() throws IOException {
        AgentControl control = control("mode=rewrite,rewrite.callers=com.acme.legacy.");
        control.change(
                null, Collections.singletonList("com.acme.untrusted.Fetcher"), AgentControl.BY_JMX);
        assertEquals(
                Collections.singletonList("com.acme.untrusted.Fetcher"), control.rewriteCallers());
        assertTrue(
                log().contains(
                                "[imds-guard] rewrite.callers changed by JMX: com.acme.legacy. -> "
                                        + "com.acme.untrusted.Fetcher"),
                log().toString());
    }

    @Test
    void aSecondAttachAppliesWhatCanChangeAndNamesWhatNeedsARestart() throws IOException {
        AgentControl control = control("mode=report,report=/tmp/a.json");
        String again = "mode=enforce,report=/tmp/b.json,jmx.control=true,service.name=x";
        control.applyAttach(
                config(again),
                ConfigLoader.keysIn(again),
                config("mode=report,report=/tmp/a.json"));

        assertEquals(Mode.ENFORCE, control.mode());
        assertTrue(control.jmxControl());
        List<String> log = log();
        assertTrue(
                log.contains(
                        "[imds-guard] attach: applied mode, jmx.control; unchanged (none); need a JVM restart,"
                                + " NOT applied report, service.name (only mode, rewrite.callers and jmx.control change at run time)"),
                log.toString());
    }

    @Test
    void jmxMayChangeTheModeOnlyWithJmxControlAndSaysWhichKeyAllowsIt() throws IOException {
        AgentControl locked = control("mode=report");
        ImdsGuardJmx bean =
                new ImdsGuardJmx(
                        locked, new RequestTotals(), new CallSiteRegistry(), reporter, "svc");
        SecurityException refused =
                assertThrows(SecurityException.class, () -> bean.setMode("enforce"));
        assertTrue(refused.getMessage().contains("jmx.control=true"), refused.getMessage());
        assertThrows(SecurityException.class, () -> bean.setRewriteCallers("com.acme."));
        assertEquals("report", bean.getMode());

        AgentControl open = control("mode=report,jmx.control=true");
        ImdsGuardJmx openBean =
                new ImdsGuardJmx(
                        open, new RequestTotals(), new CallSiteRegistry(), reporter, "svc");
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> openBean.setMode("strict"));
        assertTrue(bad.getMessage().startsWith("bad value for 'mode'"), bad.getMessage());
        openBean.setMode("enforce");
        assertEquals("enforce", openBean.getMode());
        assertTrue(
                log().contains("[imds-guard] mode changed by JMX: report -> enforce"),
                log().toString());
    }
}
