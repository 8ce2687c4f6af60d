package io.imdsguard.it.apps.clients.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import io.imdsguard.mockimds.ReceivedRequest.Kind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What AsyncHttpClientIT, VertxWebClientIT and ReactorNettyIT share: run one of the apps of this
 * package under the agent against a mock IMDS, and read the result the way a user would.
 */
public final class NettyClientChecks {

    /** The test apps' packages, for {@code rewrite.callers}. */
    public static final String APPS = "io.imdsguard.it.apps.";

    private NettyClientChecks() {
    }

    /** One finished app JVM, with its report. */
    public record Run(JvmResult jvm, JsonNode report, String reportText) {

        /** The results the app printed for {@code command}, in order. */
        public List<String> results(String command) {
            return jvm.stdoutLines().stream().filter(l -> l.startsWith(command + ": "))
                    .map(l -> l.substring(command.length() + 2)).toList();
        }

        /** The agent's first-sight blocks for one client. */
        public List<FirstSight> sights(String client) {
            return jvm.agent().firstSights().stream().filter(s -> s.client().equals(client)).toList();
        }

        /** The report's call sites of one client. */
        public List<JsonNode> sites(String client) {
            return Reports.callSites(report).stream().filter(s -> s.get("client").asText().equals(client)).toList();
        }

        public long total(String name) {
            return report.get("totals").get(name).asLong();
        }
    }

    /** Runs {@code app} with the commands of {@code script} and {@code -javaagent:...=agentArgs,report=...}. */
    public static Run run(Class<?> app, MockImds mock, String agentArgs, Path dir, String... script)
            throws IOException, InterruptedException {
        return run(null, app, mock, agentArgs, dir, script);
    }

    /**
     * As {@link #run(Class, MockImds, String, Path, String...)}, on the classpath of
     * {@code target/client-libs/<libraries>} when {@code libraries} is not null (another version of the client).
     */
    public static Run run(String libraries, Class<?> app, MockImds mock, String agentArgs, Path dir, String... script)
            throws IOException, InterruptedException {
        Path report = dir.resolve("report.json");
        AppJvm jvm0 = libraries == null ? AppJvm.mainClass(app, script)
                : AppJvm.mainClassWithLibraries(libraries, app, script);
        JvmResult jvm = jvm0.withAgent(agentArgs + ",report=" + report)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
        assertEquals(0, jvm.exitCode(), jvm.describe());
        assertFalse(jvm.stdout().contains("FAILED"), jvm.describe());
        return new Run(jvm, Reports.read(report), Files.readString(report));
    }

    /** Starts {@code app} reading its commands from standard input. */
    public static AppJvm.Running start(Class<?> app, MockImds mock, String agentArgs)
            throws IOException, InterruptedException {
        AppJvm.Running running = AppJvm.mainClass(app).withAgent(agentArgs)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).start();
        running.awaitStdout("ready");
        return running;
    }

    /** How many requests of {@code kind} the mock received. */
    public static long received(MockImds mock, ReceivedRequest.Kind kind) {
        return mock.requests().stream().filter(r -> r.kind() == kind).count();
    }

    /** No token the mock handed out appears in the app's output, the agent's log or the report. */
    public static void assertNoTokenLeak(MockImds mock, Run run) {
        for (String token : mock.issuedTokens()) {
            assertFalse(run.jvm().stdout().contains(token), "token in stdout");
            assertFalse(run.jvm().stderr().contains(token), "token in stderr");
            assertFalse(run.reportText().contains(token), "token in the report");
        }
    }

    /**
     * The matrix for a client whose advice runs on the application's thread (AsyncHttpClientApp,
     * VertxWebClientApp): {@code v1 v1 v1-xff v1-request v2} under {@code mode}, with the test apps in
     * {@code rewrite.callers}, against a mock with {@code tokens}. Checks what the app saw, what the
     * mock received, that each v1 call site is the app method that made the request (on its own
     * thread, not an event loop), the report's counts and actions, that the native v2 code is not
     * reported, and that no token leaks.
     */
    public static void assertApplicationSitesHandledPerMode(Class<?> app, String client, String mode, HttpTokens tokens,
            int v1Status, int relayedStatus, String v1Action, String relayedAction, Path dir) throws Exception {
        assertApplicationSitesHandledPerMode(null, app, client, mode, tokens, v1Status, relayedStatus, v1Action,
                relayedAction, dir);
    }

    /** The same matrix, with the client's jars from {@code target/client-libs/<libraries>} (null: the default). */
    public static void assertApplicationSitesHandledPerMode(String libraries, Class<?> app, String client, String mode,
            HttpTokens tokens, int v1Status, int relayedStatus, String v1Action, String relayedAction, Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Run run = run(libraries, app, mock, "mode=" + mode + ",rewrite.callers=" + APPS, dir,
                    "v1", "v1", "v1-xff", "v1-request", "v2");
            String stdout = run.jvm().stdout();

            assertEquals(List.of(v1Status, v1Status), run.results("v1").stream().map(NettyClientChecks::status)
                    .toList(), stdout);
            assertEquals(relayedStatus, status(run.results("v1-xff").get(0)), stdout);
            assertEquals(v1Status, status(run.results("v1-request").get(0)), stdout);
            assertTrue(run.results("v1-request").get(0).endsWith(" token-on-app-request=false"),
                    "the application's own request object is never changed: " + stdout);
            assertEquals(List.of("200 ami-0abcdef1234567890"), run.results("v2"), "v2 untouched in every mode");

            String appClass = app.getName();
            List<FirstSight> sights = run.sights(client);
            assertEquals(3, sights.size(),
                    "v1Read, v1Relayed, v1Reused; the v2 code is not v1:\n" + run.jvm().stderr());
            assertSight(sights, appClass + ".v1Read(", v1Action);
            assertSight(sights, appClass + ".v1Relayed(", relayedAction);
            assertSight(sights, appClass + ".v1Reused(", v1Action);
            assertTrue(sights.stream().allMatch(s -> s.thread().equals("main")), "the caller's thread: " + sights);

            assertEquals(4, run.total("v1"));
            assertEquals(1, run.total("v2"), "the app's own v2 read");
            assertEquals(1, run.total("token"), "the app's own token PUT");
            assertEquals(3, run.total("v1CallSites"));
            assertSite(run, client, appClass + ".v1Read(", 2, v1Action);
            assertSite(run, client, appClass + ".v1Relayed(", 1, relayedAction);
            assertSite(run, client, appClass + ".v1Reused(", 1, v1Action);

            assertWhatImdsReceived(mock, mode);
            assertNoTokenLeak(mock, run);
        }
    }

    /**
     * mode=rewrite against a required-token IMDS that restarts (forgets its tokens): the one
     * request sent with the dead token gets 401 (no retry), the agent drops that token on the 401,
     * and the next call works with a fresh one.
     */
    public static void assertRejectedTokenIsDropped(Class<?> app, String agentArgs) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            AppJvm.Running running = start(app, mock, agentArgs);
            assertEquals("200 i-0123456789abcdef0", running.step("v1"));
            mock.invalidateTokens();
            assertTrue(running.step("v1").startsWith("401 "), "no retry: the application sees this one 401");
            assertEquals("200 i-0123456789abcdef0", running.step("v1"), "the rejected token was dropped");
            assertEquals(2, mock.stats().tokensIssued(), mock.stats().summary());
            running.sendLine("quit");
            JvmResult jvm = running.finish();
            assertEquals(0, jvm.exitCode(), jvm.describe());
            for (String token : mock.issuedTokens()) {
                assertFalse(jvm.stdout().contains(token) || jvm.stderr().contains(token), "no leak");
            }
        }
    }

    /**
     * What IMDS received from a run of four v1 calls (one of them relayed with X-Forwarded-For) and
     * one native v2 read: v1 as sent in report mode, only the relayed one as v1 in rewrite mode,
     * none in enforce mode.
     */
    public static void assertWhatImdsReceived(MockImds mock, String mode) {
        long v1Received = received(mock, Kind.V1);
        switch (mode) {
            case "report" -> assertEquals(4, v1Received, mock.requests().toString());
            case "rewrite" -> {
                assertEquals(1, v1Received, "only the relayed request went out as v1: " + mock.requests());
                assertTrue(mock.requests().stream().filter(r -> r.kind() == Kind.V1)
                        .allMatch(ReceivedRequest::forwardedFor), mock.requests().toString());
                assertEquals(2, mock.stats().tokensIssued(), "one for the agent, one for the app's v2 code");
                assertEquals(4, mock.stats().v2Served(), "3 rewritten + 1 native: " + mock.stats().summary());
            }
            default -> assertEquals(0, v1Received, "blocked requests carry the enforce token: " + mock.requests());
        }
    }

    /** The status an app printed, from {@code "<status> <body>"}. */
    public static int status(String result) {
        return Integer.parseInt(result.substring(0, result.indexOf(' ')));
    }

    public static void assertSight(List<FirstSight> sights, String sitePrefix, String action) {
        FirstSight sight = sights.stream().filter(s -> s.site().startsWith(sitePrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no call site " + sitePrefix + " in " + sights));
        assertEquals(action, sight.action(), sight.toString());
        assertEquals("GET", sight.method());
    }

    private static void assertSite(Run run, String client, String sitePrefix, long count, String action) {
        JsonNode site = run.sites(client).stream().filter(s -> s.get("site").asText().startsWith(sitePrefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no call site " + sitePrefix + " in " + run.report()));
        assertEquals(count, site.get("count").asLong(), site.toString());
        assertEquals(count, site.get("actions").get(action).asLong(), site.toString());
    }
}
