package io.imdsguard.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.FaultApp;
import io.imdsguard.it.faults.FaultRun.Step;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault suite: the same legacy application ({@link io.imdsguard.it.apps.FaultApp}, v1 through
 * HttpURLConnection, java.net.http, Apache HttpClient 5 and OkHttp, plus its own v2 read) is taken
 * through the same IMDS failures with and without the agent, one JVM per mode for the whole script,
 * all JVMs at once. What the application sees with the agent must be what it sees without it
 * (report), what HttpTokens=required gives (enforce), or success wherever IMDS is healthy
 * (rewrite); the agent's counts must match what IMDS received; its token PUTs must stay bounded;
 * the JVM must end with the threads and descriptors it had; and no token may appear anywhere.
 *
 * <p>It runs on Java 8 too (the it-jdk8 pass, with the suite's default load of 100 calls per
 * thread): there FaultApp has no java.net.http and makes its rounds and loads through the other
 * three clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteIT {

    private static final String APPS = "io.imdsguard.it.apps.";

    /**
     * Short agent token timeouts: the slow and black-holed IMDS must not hold the application long.
     */
    private static final String REWRITE =
            "mode=rewrite,rewrite.callers="
                    + APPS
                    + ",token.connect.timeout=300ms,token.read.timeout=300ms";

    private static final int LOAD_THREADS = 64;
    private static final int SHORT_TTL_THREADS = 16;
    private static final int LOAD_CALLS = Integer.getInteger("faults.load.calls", 100);
    private static final int HEAP_TOLERANCE_KB = 1024;

    /** FaultApp's clients on the JVM under test: java.net.http only from Java 11 on. */
    private static final List<String> CLIENTS = FaultApp.clients(AppJava.feature() >= 11);

    private static final String ALL_OK = round("200", "200");

    /** Every fault, one round each, then one healthy round to show recovery. */
    private static final List<Step> EVERY_FAULT =
            List.of(
                    new Step("restart", Fault.RESTART, 1),
                    new Step("500", Fault.SERVER_ERROR, 1),
                    new Step("503", Fault.UNAVAILABLE, 1),
                    new Step("429", Fault.THROTTLED, 1),
                    new Step("403", Fault.DISABLED, 1),
                    new Step("truncated", Fault.TRUNCATED, 1),
                    new Step("malformed-token", Fault.MALFORMED_TOKEN, 1),
                    new Step("slow", Fault.SLOW, 1),
                    new Step("token-black-hole", Fault.TOKEN_BLACK_HOLE, 1),
                    new Step("recovered", Fault.HEALTHY, 1));

    private final Map<String, FaultRun> runs = new LinkedHashMap<>();
    private final List<Runnable> scripts = new ArrayList<>();
    private final Semaphore loadTurn = new Semaphore(1);
    private Path dir;
    private long suiteMillis;

    @BeforeAll
    void runEveryJvmThroughItsScript() throws Exception {
        dir = Files.createTempDirectory("fault-suite");
        add(new FaultRun("none-optional", null, HttpTokens.OPTIONAL, dir), EVERY_FAULT, LOAD_CALLS);
        add(new FaultRun("none-required", null, HttpTokens.REQUIRED, dir), EVERY_FAULT, LOAD_CALLS);
        add(
                new FaultRun("report", "mode=report", HttpTokens.OPTIONAL, dir),
                EVERY_FAULT,
                LOAD_CALLS);
        add(new FaultRun("rewrite", REWRITE, HttpTokens.OPTIONAL, dir), EVERY_FAULT, LOAD_CALLS);
        add(
                new FaultRun("enforce", "mode=enforce", HttpTokens.OPTIONAL, dir),
                EVERY_FAULT,
                LOAD_CALLS);
        add(
                new FaultRun("rewrite-required", REWRITE, HttpTokens.REQUIRED, dir),
                List.of(
                        new Step("restart", Fault.RESTART, 1),
                        new Step("after-restart", Fault.HEALTHY, 1),
                        new Step(
                                "restart-then-black-hole",
                                Fault.RESTART_THEN_TOKEN_BLACK_HOLE,
                                2,
                                true)),
                0);
        add(
                new FaultRun("rewrite-required-bad-token", REWRITE, HttpTokens.REQUIRED, dir),
                List.of(
                        new Step(
                                "restart-then-malformed-token",
                                Fault.RESTART_THEN_MALFORMED_TOKEN,
                                2,
                                true)),
                0);
        // Token expiry during the run: 16 threads, so that a request's way to IMDS stays well under
        // the agent's
        // 1 s margin on a busy two-core machine (64 threads are the other runs' load).
        add(
                new FaultRun(
                        "rewrite-short-ttl",
                        "mode=rewrite,rewrite.callers=" + APPS + ",token.ttl=4",
                        HttpTokens.REQUIRED,
                        dir),
                List.of(),
                SHORT_TTL_THREADS,
                LOAD_CALLS * LOAD_THREADS / SHORT_TTL_THREADS);

        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(scripts.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Runnable script : scripts) {
                done.add(pool.submit(script));
            }
            // Every step of every script is bounded (AppJvm.TIMEOUT); this bounds the whole, loads
            // queued included.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            for (Future<?> f : done) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError(
                            "the fault suite's JVMs did not finish their scripts within 30 minutes");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        suiteMillis = (System.nanoTime() - started) / 1_000_000;
    }

    private void add(FaultRun run, List<Step> steps, int loadCalls) {
        add(run, steps, LOAD_THREADS, loadCalls);
    }

    private void add(FaultRun run, List<Step> steps, int loadThreads, int loadCalls) {
        runs.put(run.name, run);
        scripts.add(
                () -> {
                    try {
                        run.run(steps, loadThreads, loadCalls, loadTurn);
                    } catch (Exception e) {
                        throw new AssertionError(run.name + " failed: " + e, e);
                    }
                });
    }

    @AfterAll
    void say() {
        System.out.println("fault suite: " + suiteMillis + " ms for " + runs.size() + " JVMs");
        runs.values()
                .forEach(
                        r -> {
                            System.out.println(
                                    "  "
                                            + r.name
                                            + ": load "
                                            + r.load
                                            + " in "
                                            + r.loadMillis
                                            + " ms; tokens during load "
                                            + r.tokensIssuedDuringLoad
                                            + "; threads/fds/heap "
                                            + fmt(r.resourcesAtBaseline)
                                            + " -> "
                                            + fmt(r.resourcesAfterRun)
                                            + "; rounds "
                                            + r.rounds
                                            + "; ms per step "
                                            + r.millisPerStep);
                            if (r.result != null) {
                                r.result.agent().lines().stream()
                                        .filter(
                                                l ->
                                                        !l.startsWith("    at ")
                                                                && !l.startsWith(
                                                                        "IMDSv1 call from"))
                                        .forEach(l -> System.out.println("    | " + l));
                            }
                        });
    }

    /**
     * A round's line as FaultApp prints it: every v1 client's outcome, then the application's own
     * v2 read's.
     */
    private static String round(String v1Outcome, String v2Outcome) {
        StringBuilder line = new StringBuilder();
        for (String client : CLIENTS) {
            line.append(client).append('=').append(v1Outcome).append(' ');
        }
        return line.append("v2=").append(v2Outcome).toString();
    }

    private static String fmt(int[] r) {
        return r == null ? "-" : r[0] + "/" + r[1] + "/" + r[2] + "KB";
    }

    // ---- What the application sees ----

    @Test
    void reportModeChangesNothingTheApplicationSees() {
        FaultRun reference = runs.get("none-optional");
        FaultRun report = runs.get("report");
        assertEquals(reference.rounds, report.rounds);
        assertEquals(reference.load, report.load);
        assertEquals(reference.result.applicationStderr(), report.result.applicationStderr());
    }

    @Test
    void enforceModeGivesExactlyWhatHttpTokensRequiredGives() {
        FaultRun required = runs.get("none-required");
        FaultRun enforce = runs.get("enforce");
        assertEquals(required.rounds, enforce.rounds);
        assertEquals(required.load, enforce.load);
        assertEquals(
                "calls=" + LOAD_THREADS * LOAD_CALLS + " 401=" + LOAD_THREADS * LOAD_CALLS,
                enforce.load);
    }

    /**
     * Against an IMDS that still allows v1, a rewritten request must get the answer the v1 request
     * would have got, under every fault. The one difference is the documented limit: after an IMDS
     * restart, the first rewritten call through a client the agent cannot re-send (here
     * HttpURLConnection, first in the round) receives the 401 that drops the stale token.
     */
    @Test
    void rewriteModeAnswersLikeV1UnderEveryFaultButTheDocumentedRestartLimit() {
        FaultRun reference = runs.get("none-optional");
        FaultRun rewrite = runs.get("rewrite");
        Map<String, List<String>> expected = new LinkedHashMap<>(reference.rounds);
        expected.put(
                "restart",
                List.of(reference.rounds.get("restart").get(0).replace("huc=200", "huc=401")));
        assertEquals(expected, rewrite.rounds);
        assertEquals(reference.load, rewrite.load);
        assertTrue(
                Reports.callSites(report(rewrite)).stream()
                        .allMatch(s -> s.get("actions").has("rewritten")),
                "every site was rewritten: " + report(rewrite));
    }

    @Test
    void rewriteModeKeepsV1WorkingAgainstRequiredWhereImdsIsHealthy() {
        FaultRun run = runs.get("rewrite-required");
        assertEquals(List.of(ALL_OK), run.rounds.get("warm-up"));
        assertEquals(
                List.of(ALL_OK.replace("huc=200", "huc=401")),
                run.rounds.get("restart"),
                "the documented restart limit: HttpURLConnection gets the one 401 that drops the token");
        assertEquals(List.of(ALL_OK), run.rounds.get("after-restart"));
        // No token can be had: v1 goes on unchanged and gets what required gives it, and the
        // application's
        // own token PUT times out, as it would without the agent.
        String noToken = round("401", "java.net.SocketTimeoutException");
        assertEquals(List.of(noToken, noToken), run.rounds.get("restart-then-black-hole"));
        assertEquals(runs.get("none-required").rounds.get("refused"), run.rounds.get("refused"));
    }

    @Test
    void underLoadEveryRewrittenCallSucceedsWithOneTokenPutPerTtl() {
        FaultRun run = runs.get("rewrite-short-ttl");
        assertEquals(
                "calls=" + LOAD_THREADS * LOAD_CALLS + " 200=" + LOAD_THREADS * LOAD_CALLS,
                run.load);
        // token.ttl=4: refreshed from 2.6 s (a quarter, 1 s, as margin, and a tenth before that);
        // plus the first
        // fetch, and one for a load that ends just after a refresh.
        long bound = run.loadMillis / 2600 + 2;
        assertTrue(
                run.tokensIssuedDuringLoad >= 1 && run.tokensIssuedDuringLoad <= bound,
                run.tokensIssuedDuringLoad
                        + " tokens in "
                        + run.loadMillis
                        + " ms, at most "
                        + bound);
        // A java.net.http request that reaches IMDS after its token expired is re-sent by the agent
        // with a fresh
        // one, so even that one is not a failure the application sees: asserted by the load line
        // above.
    }

    // ---- Token PUTs bounded while IMDS cannot give one ----

    @Test
    void aBlackHoledTokenEndpointGetsOnePutPerBackOff() {
        FaultRun run = runs.get("rewrite-required");
        String step = "restart-then-black-hole";
        // The agent's attempt fails in round 1 no earlier than its 1 s read timeout after the step
        // began; round
        // 2's rewritten calls come before round 2's own token PUT, which the black hole holds for
        // FaultApp's 3 s.
        assertWithinBackOff(run, step, 1000 + 3000);
        // Two rounds (one application PUT each) within the 5 s back-off: the agent tried exactly
        // once.
        assertEquals(3L, run.tokenRequestsPerStep.get(step));
        List<PrometheusText> around = run.scrapesAroundStep.get(step);
        assertEquals(
                1L,
                Counts.sum(around.get(1).samples("imds_token_fetches_total"), "outcome=timeout")
                        - Counts.sum(
                                around.get(0).samples("imds_token_fetches_total"),
                                "outcome=timeout"),
                around.get(1).text());
        assertEquals(
                1,
                run.stderrPerStep
                        .get(step)
                        .lines()
                        .filter(
                                l ->
                                        l.contains("cannot get an IMDSv2 token")
                                                && l.contains("(reason timeout)"))
                        .count(),
                "said once: " + run.stderrPerStep.get(step));
    }

    /**
     * A proxy's error page where the token should be: the agent takes no such text for a token (it
     * would go into a header), says so once, and waits out its back-off before the next PUT; v1
     * goes on unchanged and gets what HttpTokens=required gives it.
     */
    @Test
    void aMalformedTokenAnswerIsRefusedOnceAndBackedOffFrom() {
        FaultRun run = runs.get("rewrite-required-bad-token");
        String step = "restart-then-malformed-token";
        // The application's own v2 read puts the page, line break included, into a header, which
        // HttpURLConnection refuses: the application's doing, with or without the agent.
        String noToken = round("401", "java.lang.IllegalArgumentException");
        assertEquals(List.of(noToken, noToken), run.rounds.get(step));
        // The error page comes at once: no time of the step is known to lie outside the back-off.
        assertWithinBackOff(run, step, 0);
        // Two rounds (one application PUT each) within the 5 s back-off: the agent tried once.
        assertEquals(3L, run.tokenRequestsPerStep.get(step));
        assertEquals(
                1,
                run.stderrPerStep
                        .get(step)
                        .lines()
                        .filter(
                                l ->
                                        l.contains("cannot get an IMDSv2 token")
                                                && l.contains("(reason bad_status)"))
                        .count(),
                "said once: " + run.stderrPerStep.get(step));
        List<PrometheusText> around = run.scrapesAroundStep.get(step);
        assertEquals(
                1L,
                Counts.sum(around.get(1).samples("imds_token_fetches_total"), "outcome=bad_status")
                        - Counts.sum(
                                around.get(0).samples("imds_token_fetches_total"),
                                "outcome=bad_status"),
                around.get(1).text());
    }

    /**
     * The precondition of "the agent tried once": its second round's rewritten calls came within
     * the 5 s back-off that its failure in the first round started. The step runs while no load
     * runs ({@code Step.alone}), so it normally takes well under the bound; {@code outsideMillis}
     * is the part of the step known to lie before the failure or after those calls. If the machine
     * was too slow for the bound, the test says so rather than miscounting.
     */
    private static void assertWithinBackOff(FaultRun run, String step, long outsideMillis) {
        long backOffMillis = 5000;
        long millis = run.millisPerStep.get(step);
        assertTrue(
                millis - outsideMillis < backOffMillis,
                "precondition: step '"
                        + step
                        + "' took "
                        + millis
                        + " ms, of which at most "
                        + (millis - outsideMillis)
                        + " ms may lie between the agent's failed "
                        + "attempt and its last rewritten call; that must be under the "
                        + backOffMillis
                        + " ms back-off "
                        + "for exactly one attempt (a machine too busy for this check)");
    }

    // ---- Counts ----

    static Stream<String> agentRuns() {
        return Stream.of(
                "report",
                "rewrite",
                "enforce",
                "rewrite-required",
                "rewrite-required-bad-token",
                "rewrite-short-ttl");
    }

    /**
     * What the agent counted equals what IMDS received, per version. Rewritten and blocked v1
     * requests reach IMDS carrying a token, so IMDS counts them as v2; the agent's own PUTs are
     * token requests; a java.net.http request re-sent after a 401 reaches IMDS twice. Checked on
     * the scrape taken while the mock still ran; the report written at exit then equals the last
     * scrape, which adds the refused round's calls.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("agentRuns")
    void theAgentsCountsMatchWhatImdsReceived(String name) {
        FaultRun run = runs.get(name);
        Counts counts = Counts.of(run.scrapeBeforeRefused);
        long receivedV1 = received(run, ReceivedRequest.Kind.V1);
        long receivedV2 = received(run, ReceivedRequest.Kind.V2);
        long receivedToken = received(run, ReceivedRequest.Kind.TOKEN);
        String all =
                counts
                        + " received v1="
                        + receivedV1
                        + " v2="
                        + receivedV2
                        + " token="
                        + receivedToken;
        assertEquals(receivedV1, counts.v1 - counts.rewritten - counts.blocked, all);
        // java.net.http requests the agent re-sent after a 401 reach IMDS twice: at most one extra
        // per rejection.
        long expectedV2 = counts.v2 + counts.rewritten + counts.blocked;
        assertTrue(
                receivedV2 >= expectedV2 && receivedV2 <= expectedV2 + rejectedV2(run),
                all + " rejected v2=" + rejectedV2(run));
        assertEquals(receivedToken, counts.token + counts.tokenFetches, all);

        Counts end = Counts.of(run.scrapeAtEnd);
        assertEquals(
                counts.v1 + CLIENTS.size(),
                end.v1,
                "the refused round's v1 calls, one per client, count too");
        assertEquals(counts.token + 1, end.token, "and its token PUT");
        JsonNode totals = report(run).get("totals");
        assertEquals(end.v1, totals.get("v1").asLong());
        assertEquals(end.v2, totals.get("v2").asLong());
        assertEquals(end.token, totals.get("token").asLong());
        assertEquals(end.rewritten, totals.get("rewritten").asLong());
        assertEquals(end.blocked, totals.get("blocked").asLong());
        assertEquals(end.rewriteFailed, totals.get("rewriteFailed").asLong());
    }

    // ---- Leaks ----

    static Stream<String> everyRun() {
        return Stream.of(
                "none-optional",
                "none-required",
                "report",
                "rewrite",
                "enforce",
                "rewrite-required",
                "rewrite-required-bad-token",
                "rewrite-short-ttl");
    }

    /**
     * After the faults and the load the JVM is back to the threads, descriptors and heap it had
     * after the warm-up round. The tolerance (2 threads, 4 descriptors) is what the JDK may
     * legitimately add on its own between two samples: a Common-Cleaner or reference-handler
     * helper, and the descriptors of the JDK's own lazily opened files (class data, jar re-opens);
     * a leak per call, per fault or per token fetch would add hundreds. The heap is compared after
     * full collections; {@value #HEAP_TOLERANCE_KB} KB covers what the first faults and the load
     * load once (classes' mirrors, interned strings, JIT-era caches), in runs with or without the
     * agent alike, while a few dozen bytes kept per call would exceed it at 64 x 1000 calls.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRun")
    void noThreadDescriptorOrHeapIsLeft(String name) {
        FaultRun run = runs.get(name);
        assertTrue(
                run.resourcesAfterRun[0] <= run.resourcesAtBaseline[0] + 2,
                "threads " + fmt(run.resourcesAtBaseline) + " -> " + fmt(run.resourcesAfterRun));
        assertTrue(
                run.resourcesAfterRun[1] <= run.resourcesAtBaseline[1] + 4,
                "fds " + fmt(run.resourcesAtBaseline) + " -> " + fmt(run.resourcesAfterRun));
        assertTrue(
                run.resourcesAfterRun[2] <= run.resourcesAtBaseline[2] + HEAP_TOLERANCE_KB,
                "heap KB " + fmt(run.resourcesAtBaseline) + " -> " + fmt(run.resourcesAfterRun));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentRuns")
    void noTokenValueAppearsInOutputReportOrMetrics(String name) throws Exception {
        FaultRun run = runs.get(name);
        assertFalse(run.issuedTokens.isEmpty());
        String everything =
                run.result.stdout()
                        + run.result.stderr()
                        + Files.readString(run.report)
                        + run.scrapeBeforeRefused.text()
                        + run.scrapeAtEnd.text();
        for (String token : run.issuedTokens) {
            assertFalse(everything.contains(token), "a token leaked in " + name);
        }
    }

    @Test
    void everyJvmEndedCleanly() {
        for (FaultRun run : runs.values()) {
            assertNotNull(run.result, run.name);
            assertEquals(0, run.result.exitCode(), run.name + ": " + run.result.describe());
            assertTrue(
                    run.result.agent().linesContaining("internal error").isEmpty(),
                    run.result.stderr());
        }
    }

    private static long received(FaultRun run, ReceivedRequest.Kind kind) {
        return run.receivedBeforeRefused.stream().filter(r -> r.kind() == kind).count();
    }

    private static long rejectedV2(FaultRun run) {
        return run.receivedBeforeRefused.stream()
                .filter(r -> r.kind() == ReceivedRequest.Kind.V2 && r.status() == 401)
                .count();
    }

    private static JsonNode report(FaultRun run) {
        try {
            return Reports.read(run.report);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The agent's counters, summed over every tag but the one that matters. */
    record Counts(
            long v1,
            long v2,
            long token,
            long rewritten,
            long blocked,
            long rewriteFailed,
            long tokenFetches) {

        static Counts of(PrometheusText scrape) {
            Map<String, Double> requests = scrape.samples("imds_requests_total");
            return new Counts(
                    sum(requests, "version=v1"),
                    sum(requests, "version=v2"),
                    sum(requests, "version=token"),
                    sum(requests, "action=rewritten"),
                    sum(requests, "action=blocked"),
                    sum(requests, "action=rewrite_failed"),
                    sum(scrape.samples("imds_token_fetches_total"), ""));
        }

        static long sum(Map<String, Double> samples, String label) {
            return Math.round(
                    samples.entrySet().stream()
                            .filter(
                                    e ->
                                            label.isEmpty()
                                                    || ("," + e.getKey() + ",")
                                                            .contains("," + label + ","))
                            .mapToDouble(Map.Entry::getValue)
                            .sum());
        }
    }
}
