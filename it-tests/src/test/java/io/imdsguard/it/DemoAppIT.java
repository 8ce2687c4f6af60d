package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.InternalsProbeApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as the README runs it, and the promise that the agent changes nothing it prints. */
class DemoAppIT {

    private static final Set<String> DEMO_V1_SITES =
            Set.of(
                    "io.imdsguard.demo.legacy.LegacyInstanceInfo.instanceId",
                    "io.imdsguard.demo.legacy.LegacyRegionLookup.region",
                    "io.imdsguard.demo.legacy.LegacyCredentialsFetcher.get",
                    "io.imdsguard.demo.legacy.AsyncIdentityDocument.accountId");

    @Test
    void theApplicationsOwnOutputIsTheSameWithAndWithoutTheAgent(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult without =
                    AppJvm.demoJar("--endpoint", mock.endpoint(), "--repeat", "3").run();
            JvmResult with =
                    AppJvm.demoJar("--endpoint", mock.endpoint(), "--repeat", "3")
                            .withAgent("report=" + dir.resolve("report.json"))
                            .run();
            assertEquals(0, without.exitCode(), without.describe());
            assertEquals(0, with.exitCode(), with.describe());
            assertEquals(without.stdout(), with.stdout());
            assertEquals(without.applicationStderr(), with.applicationStderr());
            assertTrue(without.agentLines().isEmpty());
            assertTrue(with.stdout().contains("instance-id: i-0123456789abcdef0"), with.stdout());
        }
    }

    @Test
    void underHttpTokensRequiredTheDemoBreaksAndRewriteMendsIt() throws Exception {
        JvmResult broken = AppJvm.demoJar("--http-tokens", "required").run();
        assertEquals(
                1,
                broken.exitCode(),
                "v1 calls fail against a required IMDS:\n" + broken.describe());
        assertEquals(
                4,
                broken.stdoutLines().stream().filter(l -> l.contains("FAILED")).count(),
                broken.stdout());

        JvmResult mended =
                AppJvm.demoJar("--http-tokens", "required")
                        .withAgent("mode=rewrite,rewrite.callers=io.imdsguard.demo.legacy.")
                        .run();
        assertEquals(0, mended.exitCode(), mended.describe());
        assertTrue(
                mended.stdoutLines().stream().noneMatch(l -> l.contains("FAILED")),
                mended.stdout());
        assertTrue(
                mended.stdout()
                        .contains(
                                "the mock IMDS received 0 v1, 7 v2 and 2 token request(s); 0 rejected"),
                mended.stdout());

        JvmResult enforced = AppJvm.demoJar().withAgent("mode=enforce").run();
        assertEquals(
                1,
                enforced.exitCode(),
                "enforce on an optional IMDS breaks what required will break");
        assertEquals(callLines(broken), callLines(enforced));
    }

    @Test
    void theAgentLeavesTheApplicationsLoggingAlone() throws Exception {
        // Starting java.util.logging in premain breaks applications that install their own
        // LogManager
        // later; binding to the application's SLF4J prints its warnings into the application's
        // output.
        JvmResult run =
                AppJvm.mainClass(InternalsProbeApp.class)
                        .jvmOption("-verbose:class")
                        .withAgent("prometheus.port=" + io.imdsguard.it.support.FreePort.find())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(
                run.stdout().contains("io.imdsguard.shaded.io.micrometer"),
                "the agent's Micrometer did start");
        assertTrue(
                run.stdoutLines().stream()
                        .noneMatch(l -> l.contains(" java.util.logging.LogManager ")),
                "java.util.logging was started");
        assertTrue(
                run.stdoutLines().stream().noneMatch(l -> l.contains(" org.slf4j.")),
                "SLF4J was touched");
        assertEquals("", run.applicationStderr());
    }

    /** The demo's per-call lines, with the mock's random port masked. */
    private static List<String> callLines(JvmResult run) {
        return run.stdoutLines().stream()
                .filter(l -> l.startsWith("["))
                .map(l -> l.replaceAll(":\\d+/", ":PORT/"))
                .toList();
    }

    @Test
    void theAgentOpensNoJdkInternalsToTheApplication() throws Exception {
        JvmResult without = AppJvm.mainClass(InternalsProbeApp.class).run();
        JvmResult with = AppJvm.mainClass(InternalsProbeApp.class).withAgent("").run();
        assertEquals(
                "jdk.internal.misc: inaccessible", without.stdout().trim(), without.describe());
        assertEquals(without.stdout(), with.stdout(), with.describe());
        assertEquals("", with.applicationStderr(), "not even a JVM warning");
    }

    @Test
    void theReadmeDemoShowsEveryLegacyCallSiteAndNoMigratedOne(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("imds-guard-report.json");
        JvmResult run = AppJvm.demoJar().withAgent("report=" + report).run();
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(
                run.stdout().contains("the mock IMDS received 5 v1, 2 v2 and 1 token request(s)"),
                run.stdout());

        List<FirstSight> sights = run.agent().firstSights();
        Set<String> sites =
                sights.stream()
                        .map(s -> s.site().substring(0, s.site().indexOf('(')))
                        .collect(Collectors.toSet());
        assertEquals(DEMO_V1_SITES, sites, run.stderr());
        assertEquals(DEMO_V1_SITES.size(), sights.size(), "each site once:\n" + run.stderr());
        assertTrue(sights.stream().noneMatch(s -> s.site().contains(".modern.")), run.stderr());

        JsonNode json = Reports.read(report);
        assertEquals("imds-guard-demo", json.get("service").asText());
        assertEquals(5, json.get("totals").get("v1").asLong());
        assertEquals(2, json.get("totals").get("v2").asLong());
        assertEquals(
                2,
                Reports.siteStartingWith(
                                json, "io.imdsguard.demo.legacy.LegacyCredentialsFetcher.get(")
                        .get("count")
                        .asLong(),
                "role name and role credentials come from the same line");
    }
}
