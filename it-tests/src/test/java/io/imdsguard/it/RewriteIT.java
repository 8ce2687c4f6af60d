package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.ConcurrentCallsApp;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.apps.StepApp;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mode=rewrite: legacy v1 code keeps working against HttpTokens=required, within the SSRF scope.
 * Runs on Java 8 too (the it-jdk8 pass): there the apps make their HttpURLConnection calls only,
 * and the one test about re-sending a java.net.http request is skipped, saying so.
 */
class RewriteIT {

    private static final String APPS = "io.imdsguard.it.apps.";

    /**
     * JdkClientsApp's v1 call sites on the JVM under test: 4, or 2 on Java 8 (no java.net.http).
     */
    private static final int V1_SITES = JdkClientsApp.v1Sites(AppJava.feature());

    private MockImds mock;

    @AfterEach
    void stop() {
        if (mock != null) {
            mock.close();
        }
    }

    @Test
    void inScopeV1CallsSucceedAgainstRequiredImdsAndOnlyV2ReachesIt(@TempDir Path dir)
            throws Exception {
        JvmResult reference;
        try (MockImds optional = MockImds.builder().start()) {
            reference =
                    AppJvm.mainClass(JdkClientsApp.class, "2")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", optional.endpoint())
                            .run();
        }
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        Path report = dir.resolve("report.json");
        int port = FreePort.find();
        AppJvm.Running app =
                AppJvm.mainClass(JdkClientsApp.class, "2", "--hold")
                        .withAgent(
                                "mode=rewrite,rewrite.callers="
                                        + APPS
                                        + ",report="
                                        + report
                                        + ",prometheus.port="
                                        + port)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .start();
        app.awaitStdout("done");
        PrometheusText scrape = scrapeWhenReady(port);
        app.sendLine("");
        JvmResult run = app.finish();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(
                reference.stdout(), run.stdout(), "the application sees what a v2 client sees");
        assertFalse(run.stdout().contains("FAILED"), run.stdout());
        ImdsStats stats = mock.stats();
        // Two repetitions of each v1 site, and of each native v2 read (java.net.http and
        // HttpURLConnection, or
        // HttpURLConnection alone on Java 8).
        int rewritten = 2 * V1_SITES;
        int nativeV2 = 2 * (AppJava.feature() >= 11 ? 2 : 1);
        assertEquals(
                0, stats.v1Served() + stats.v1Rejected(), "no v1 request reached IMDS: " + stats);
        assertEquals(
                rewritten + nativeV2,
                stats.v2Served(),
                rewritten + " rewritten + " + nativeV2 + " native v2: " + stats);
        assertEquals(
                2,
                stats.tokensIssued(),
                "one for the agent, one for the application's own v2 code");

        JsonNode json = Reports.read(report);
        assertEquals("rewrite", json.get("mode").asText());
        assertEquals(rewritten, json.get("totals").get("rewritten").asLong());
        assertEquals(
                rewritten,
                json.get("totals").get("v1").asLong(),
                "still v1 in the code: still reported");
        assertEquals(V1_SITES, Reports.callSites(json).size(), json.toString());
        for (JsonNode site : Reports.callSites(json)) {
            assertEquals(2, site.get("actions").get("rewritten").asLong(), site.toString());
        }
        assertEquals(
                (double) rewritten,
                scrape.samples("imds_requests_total").entrySet().stream()
                        .filter(e -> e.getKey().contains("action=rewritten"))
                        .mapToDouble(e -> e.getValue())
                        .sum(),
                scrape.text());
        assertEquals(
                1.0,
                scrape.samples("imds_token_fetches_total").get("outcome=success"),
                scrape.text());
        assertEquals(
                (double) rewritten,
                scrape.samples("imds_rewrite_latency_seconds_count").get(""),
                "the time to get the token is measured for each rewritten request, cache hits included\n"
                        + scrape.text());
        assertTrue(scrape.samples("imds_rewrite_latency_seconds_sum").get("") > 0, scrape.text());
        assertEquals(
                V1_SITES,
                run.agent().linesContaining("action=rewritten: sent as IMDSv2").size(),
                run.stderr());
        assertNoTokenIn(mock, run.stdout(), run.stderr(), Files.readString(report), scrape.text());
    }

    @Test
    void manyThreadsWithinOneTtlShareOneToken() throws Exception {
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        JvmResult run =
                AppJvm.mainClass(ConcurrentCallsApp.class, "16", "25")
                        .withAgent("mode=rewrite,rewrite.callers=" + APPS)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("ok=400 failed=0", run.stdout().trim());
        assertEquals(
                1,
                mock.stats().tokensIssued(),
                "concurrent first calls cause a single PUT: " + mock.stats());
        assertEquals(400, mock.stats().v2Served());
    }

    /**
     * token.ttl=4: the agent stops using a token 1 s before IMDS would refuse it and refreshes it
     * from 2.6 s on. A request carrying it thus has 1 s to reach IMDS, which a busy machine meets
     * (with token.ttl=1 the margin would be a quarter, 250 ms, which it need not). The arithmetic
     * for short lifetimes is TokenManagerTest's, on a fake clock.
     */
    @Test
    void aShortTtlIsRefreshedBeforeImdsRefusesIt() throws Exception {
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        // 2 threads x 24 calls, 250 ms apart: about 6 s of calls, past the refresh point of every
        // token but the last.
        JvmResult run =
                AppJvm.mainClass(ConcurrentCallsApp.class, "2", "24", "250")
                        .withAgent("mode=rewrite,rewrite.callers=" + APPS + ",token.ttl=4")
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("ok=48 failed=0", run.stdout().trim());
        ImdsStats stats = mock.stats();
        assertTrue(
                stats.tokensIssued() >= 2,
                "the 4 s token was refreshed over ~6 s of calls: " + stats);
        assertEquals(0, stats.v2Rejected(), "never used past its life: " + stats);
        assertEquals(
                48, stats.v2Served(), "every call reached IMDS once, with a live token: " + stats);
    }

    @Test
    void anImdsRestartCausesOneRefreshAndOneRetry() throws Exception {
        AppJava.assumeAtLeast(11, "re-sending a rewritten java.net.http request after a 401");
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        AppJvm.Running app = startStepApp("mode=rewrite,rewrite.callers=" + APPS);
        assertEquals("200 i-0123456789abcdef0", app.step("jdk"));
        assertEquals("200 i-0123456789abcdef0", app.step("huc"));
        assertEquals(1, mock.stats().tokensIssued());

        mock.invalidateTokens();
        assertEquals(
                "200 i-0123456789abcdef0",
                app.step("jdk"),
                "java.net.http: retried with a fresh token");
        ImdsStats stats = mock.stats();
        assertEquals(2, stats.tokensIssued(), "one refresh: " + stats);
        assertEquals(1, stats.v2Rejected(), "one rejected attempt, one retry: " + stats);
        assertEquals(
                "200 i-0123456789abcdef0", app.step("huc"), "the fresh token serves every client");
        app.sendLine("quit");
        assertEquals(0, app.finish().exitCode());
    }

    /** The 401 recovery on every Java, Java 8 included: HttpURLConnection is the client there. */
    @Test
    void anImdsRestartCostsHttpUrlConnectionOne401AndOneRefresh() throws Exception {
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        AppJvm.Running app = startStepApp("mode=rewrite,rewrite.callers=" + APPS);
        assertEquals("200 i-0123456789abcdef0", app.step("huc"));
        assertEquals(1, mock.stats().tokensIssued());

        mock.invalidateTokens();
        assertEquals(
                "401 401 - Unauthorized",
                app.step("huc"),
                "HttpURLConnection cannot be re-sent: the 401 passes, and the token is dropped (docs/limits.md)");
        assertEquals("200 i-0123456789abcdef0", app.step("huc"));
        assertEquals("200 i-0123456789abcdef0", app.step("huc"));
        ImdsStats stats = mock.stats();
        assertEquals(2, stats.tokensIssued(), "exactly one refresh: " + stats);
        assertEquals(1, stats.v2Rejected(), "the one 401: " + stats);
        assertEquals(3, stats.v2Served(), stats.toString());
        app.sendLine("quit");
        assertEquals(0, app.finish().exitCode());
    }

    @Test
    void aForwardedRequestIsNeverRewritten(@TempDir Path dir) throws Exception {
        mock = MockImds.builder().start();
        Path report = dir.resolve("report.json");
        AppJvm.Running app =
                startStepApp("mode=rewrite,rewrite.callers=" + APPS + ",report=" + report);
        List<String> clients =
                AppJava.feature() >= 11 ? List.of("huc-xff", "jdk-xff") : List.of("huc-xff");
        for (String client : clients) {
            assertEquals("200 i-0123456789abcdef0", app.step(client), client);
        }
        app.sendLine("quit");
        JvmResult run = app.finish();

        List<ReceivedRequest> received = mock.requests();
        assertEquals(clients.size(), received.size(), received.toString());
        assertTrue(
                received.stream()
                        .allMatch(r -> r.kind() == ReceivedRequest.Kind.V1 && r.forwardedFor()),
                "sent as they were, v1: " + received);
        assertEquals(0, mock.stats().tokensIssued(), "no token was even fetched for them");
        JsonNode json = Reports.read(report);
        assertEquals(clients.size(), json.get("totals").get("rewriteDenied").asLong());
        for (JsonNode site : Reports.callSites(json)) {
            assertEquals("relayed", site.get("lastReason").asText());
        }
        assertEquals(
                clients.size(),
                run.agent().linesContaining("not rewritten, it carries a relay header").size(),
                run.stderr());
    }

    @Test
    void anOutOfScopeCallerIsNotRewrittenAndTheReportNamesWhatToAdd(@TempDir Path dir)
            throws Exception {
        mock = MockImds.builder().start();
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent("mode=rewrite,report=" + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(
                V1_SITES,
                mock.stats().v1Served(),
                "by default only the AWS SDKs are in scope: " + mock.stats());
        assertEquals(1, mock.stats().tokensIssued(), "only the application's own v2 token");
        List<String> denied = run.agent().linesContaining("action=rewrite_denied");
        assertEquals(V1_SITES, denied.size(), run.stderr());
        assertTrue(
                denied.get(0)
                        .contains(
                                "io.imdsguard.it.apps.JdkClientsApp is outside rewrite.callers; add "
                                        + "'io.imdsguard.it.apps.JdkClientsApp' (or its package 'io.imdsguard.it.apps.') to rewrite.callers"),
                denied.get(0));
        JsonNode json = Reports.read(report);
        assertEquals(V1_SITES, json.get("totals").get("rewriteDenied").asLong());
        assertEquals("out_of_scope", Reports.callSites(json).get(0).get("lastReason").asText());
    }

    @Test
    void everyCallerInScopeIsAllowedButWarnedAbout() throws Exception {
        mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent("mode=rewrite,rewrite.callers=*")
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        assertFalse(run.stdout().contains("FAILED"), run.stdout());
        List<String> warning = run.agent().linesContaining("WARNING: rewrite.callers=*");
        assertEquals(1, warning.size(), run.stderr());
        assertTrue(warning.get(0).contains("SSRF"), warning.get(0));
    }

    @Test
    void aBlackHoledTokenRequestTimesOutAndTheCallGoesOnAsV1WithBackOff(@TempDir Path dir)
            throws Exception {
        mock = MockImds.builder().start();
        mock.setBlackHoleTokenRequests(true);
        Path report = dir.resolve("report.json");
        AppJvm.Running app =
                startStepApp(
                        "mode=rewrite,rewrite.callers="
                                + APPS
                                + ",token.read.timeout=500ms,token.connect.timeout=500ms,report="
                                + report);
        // java.net.http first where there is one, so that the two calls go through two clients.
        String first = AppJava.feature() >= 11 ? "jdk" : "huc";
        long started = System.nanoTime();
        assertEquals(
                "200 i-0123456789abcdef0",
                app.step(first),
                "the v1 call still works where v1 does");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(
                tookMillis < 5000, "proceeds after about the timeout, took " + tookMillis + " ms");
        assertEquals("200 i-0123456789abcdef0", app.step("huc"));
        app.sendLine("quit");
        JvmResult run = app.finish();

        long tokenPuts =
                mock.requests().stream()
                        .filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN)
                        .count();
        assertEquals(
                1, tokenPuts, "the second call waits for the back-off instead of asking again");
        assertEquals(2, mock.stats().v1Served());
        JsonNode json = Reports.read(report);
        assertEquals(2, json.get("totals").get("rewriteFailed").asLong());
        for (JsonNode site : Reports.callSites(json)) {
            assertEquals("timeout", site.get("lastReason").asText());
        }
        assertEquals(
                1,
                run.agent().linesContaining("cannot get an IMDSv2 token from").size(),
                run.stderr());
    }

    @Test
    void aDisabledImdsIsRecordedAsForbidden(@TempDir Path dir) throws Exception {
        mock = MockImds.builder().start();
        mock.setEndpointEnabled(false);
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent("mode=rewrite,rewrite.callers=" + APPS + ",report=" + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        JsonNode json = Reports.read(report);
        assertEquals(V1_SITES, json.get("totals").get("rewriteFailed").asLong());
        assertEquals("forbidden", Reports.callSites(json).get(0).get("lastReason").asText());
        long agentPuts =
                mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN).count()
                        - 1;
        assertEquals(
                1,
                agentPuts,
                "one attempt, then back-off (the other PUT is the application's own)");
    }

    private AppJvm.Running startStepApp(String agentArguments) throws Exception {
        AppJvm.Running app =
                AppJvm.mainClass(StepApp.class)
                        .withAgent(agentArguments)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .start();
        app.awaitStdout("ready");
        return app;
    }

    private static PrometheusText scrapeWhenReady(int port) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return PrometheusText.scrape("http://127.0.0.1:" + port + "/metrics");
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static void assertNoTokenIn(MockImds mock, String... outputs) {
        assertFalse(mock.issuedTokens().isEmpty());
        for (String token : mock.issuedTokens()) {
            for (String output : outputs) {
                assertFalse(output.contains(token), "a token value leaked into an output");
            }
        }
    }
}
