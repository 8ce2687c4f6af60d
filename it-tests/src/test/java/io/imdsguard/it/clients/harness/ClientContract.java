package io.imdsguard.it.clients.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PlainHttpServer;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The end-to-end test every client inherits. A client's test declares, in {@link #variants()}, how
 * apps use the client ({@link Variant}: app, arguments, library versions, the v1, relayed and v2
 * calls it makes, the oldest Java); this class runs each variant in every mode against an IMDS with
 * HttpTokens optional and required, on the JVM under test of the failsafe execution (Java 8, 11,
 * 17, 21, 25), and checks everything a user would: what the application saw, that each v1 call site
 * is the application's method on its own thread, reported once in the log with its client and
 * action, the report's totals and sites, what IMDS received, and that no token value leaked. Checks
 * of a client's own go in {@link Variant#alsoCheck}; scenarios of its own (a restarted IMDS,
 * redirects) are test methods of the client's test beside the inherited one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientContract {

    /** The test apps' packages, trusted by {@code rewrite.callers} in every run. */
    public static final String APPS = "io.imdsguard.it.apps.";

    /** The ways apps use this client, each run through the whole matrix (or its own part of it). */
    protected abstract List<Variant> variants();

    Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (Variant variant : variants()) {
            for (Object[] c : variant.cases()) {
                all.add(Arguments.of(variant, c[0], c[1]));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: mode={1}, HttpTokens={2}")
    @MethodSource("matrix")
    void everyCallIsHandledPerModeAsAUserSeesIt(
            Variant variant, String mode, HttpTokens tokens, @TempDir Path dir) throws Exception {
        AppJava.assumeAtLeast(variant.java(), variant.name() + " (" + variant.javaWhy() + ")");
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start();
                PlainHttpServer plain = new PlainHttpServer()) {
            Path report = dir.resolve("report.json");
            JvmResult jvm =
                    variant.launch(mock.endpoint())
                            .withAgent(
                                    "mode="
                                            + mode
                                            + ",rewrite.callers="
                                            + APPS
                                            + ",report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .env("PLAIN_URL", plain.url())
                            .run();
            assertEquals(0, jvm.exitCode(), jvm.describe());
            assertTrue(jvm.stdoutLines().contains("done"), jvm.describe());
            assertTrue(
                    jvm.agent().linesContaining("internal error").isEmpty()
                            && jvm.agent().linesContaining("could not instrument").isEmpty(),
                    jvm.stderr());
            Outcome outcome =
                    new Outcome(
                            variant,
                            mode,
                            tokens,
                            mock,
                            jvm,
                            Reports.read(report),
                            Files.readString(report));

            assertWhatTheApplicationSaw(outcome);
            Map<String, List<Call>> sites = v1Sites(variant);
            assertWhatTheLogSays(outcome, sites);
            assertWhatTheReportSays(outcome, sites);
            assertWhatImdsReceived(outcome);
            assertNoTokenLeaked(outcome);
            for (Variant.Check check : variant.checks()) {
                check.check(outcome);
            }
        }
    }

    /**
     * Each call as often as the app was told, answered or refused as the mode and IMDS setting
     * decide.
     */
    private static void assertWhatTheApplicationSaw(Outcome run) {
        String stdout = run.jvm().stdout();
        for (Call call : run.variant().calls()) {
            List<String> results = run.results(call.label());
            assertEquals(
                    call.times(),
                    results.size(),
                    call.label() + " ran as often as the app was told:\n" + stdout);
            boolean works = run.works(call.kind());
            for (String result : results) {
                if (works) {
                    assertTrue(
                            result.equals(call.served()) || result.startsWith(call.served() + " "),
                            call.label()
                                    + " should work ("
                                    + call.kind()
                                    + "): "
                                    + result
                                    + "\n"
                                    + run.jvm().describe());
                    if (call.body() != null) {
                        assertEquals(
                                call.served() + " " + call.body(),
                                result,
                                call.label() + ":\n" + stdout);
                    }
                } else if (call.kind() == Call.Kind.CONNECTION_ONLY_V1
                        && run.mode().equals("enforce")) {
                    assertTrue(
                            result.startsWith("FAILED "),
                            call.label()
                                    + ": the write to IMDS is refused: "
                                    + result
                                    + "\n"
                                    + run.jvm().describe());
                } else if (call.refused() != null) {
                    assertEquals(
                            call.refused(),
                            result,
                            call.label() + " refused as under HttpTokens=required:\n" + stdout);
                } else {
                    assertTrue(
                            result.contains("401"),
                            call.label()
                                    + " should get 401 as under HttpTokens=required: "
                                    + result
                                    + "\n"
                                    + run.jvm().describe());
                }
            }
        }
    }

    /**
     * One first-sight block per v1 call site: the application's method on its own thread (or, for a
     * call the client writes on its own thread, the library's frame there), its client and action.
     */
    private static void assertWhatTheLogSays(Outcome run, Map<String, List<Call>> sites) {
        List<FirstSight> sights = run.jvm().agent().firstSights();
        assertEquals(
                new TreeSet<>(sites.keySet()),
                new TreeSet<>(sights.stream().map(s -> key(run.variant(), s, sites)).toList()),
                "one block per v1 call site, none for the app's v2 code, none from another client:\n"
                        + run.jvm().stderr());
        for (FirstSight sight : sights) {
            Call call = sites.get(key(run.variant(), sight, sites)).get(0);
            assertEquals(sight.site(), sight.frames().get(0), sight.toString());
            assertEquals(run.action(call.kind()), sight.action(), sight.toString());
            assertEquals("GET", sight.method(), sight.toString());
            if (call.libraryFrames() == null) {
                assertTrue(
                        sight.site().startsWith(run.variant().app().getName() + "."),
                        "the application's frame, not the library's: " + sight);
                assertEquals(
                        call.thread(),
                        sight.thread(),
                        "reported on the application's thread: " + sight);
            } else {
                assertTrue(
                        sight.thread().startsWith(call.thread()),
                        "written on the client's thread: " + sight);
                assertTrue(
                        sight.frames().stream().anyMatch(f -> f.startsWith(call.libraryFrames())),
                        "the library's frames that wrote it: " + sight);
            }
        }
    }

    /**
     * A first sight's key in {@link #v1Sites}: its client and the app's method, or its client
     * alone.
     */
    private static String key(Variant variant, FirstSight sight, Map<String, List<Call>> sites) {
        String anywhere = sight.client() + " *";
        return sites.containsKey(anywhere)
                ? anywhere
                : sight.client() + " " + sight.site().substring(0, sight.site().indexOf('(') + 1);
    }

    /** The totals, and each site with its client, count and action. */
    private static void assertWhatTheReportSays(Outcome run, Map<String, List<Call>> sites) {
        JsonNode totals = run.report().get("totals");
        String mode = run.mode();
        long v1 = count(run.variant(), Call.Kind.V1);
        long relayed =
                count(run.variant(), Call.Kind.RELAYED_V1)
                        + count(run.variant(), Call.Kind.CONNECTION_ONLY_V1);
        assertEquals(
                v1 + relayed, totals.get("v1").asLong(), "each v1 call counted once: " + totals);
        assertEquals(
                count(run.variant(), Call.Kind.V2),
                totals.get("v2").asLong(),
                "native v2 counted as v2: " + totals);
        assertEquals(
                run.variant().appTokens(),
                totals.get("token").asLong(),
                "only the app's own token requests: " + totals);
        assertEquals(sites.size(), totals.get("v1CallSites").asLong(), totals.toString());
        assertEquals(0, totals.get("v1Unattributed").asLong(), totals.toString());
        assertEquals(
                mode.equals("rewrite") ? v1 : 0,
                totals.get("rewritten").asLong(),
                totals.toString());
        assertEquals(
                mode.equals("rewrite") ? relayed : 0,
                totals.get("rewriteDenied").asLong(),
                totals.toString());
        assertEquals(
                mode.equals("enforce") ? v1 + relayed : 0,
                totals.get("blocked").asLong(),
                totals.toString());

        List<JsonNode> reported = Reports.callSites(run.report());
        assertEquals(
                sites.size(),
                reported.size(),
                "one site per v1 call site, none for v2: " + reported);
        String app = run.variant().app().getName();
        for (Map.Entry<String, List<Call>> site : sites.entrySet()) {
            Call first = site.getValue().get(0);
            String client = run.variant().clientOf(first);
            String prefix = first.libraryFrames() == null ? app + "." + first.site() + "(" : "";
            JsonNode json =
                    reported.stream()
                            .filter(
                                    s ->
                                            s.get("client").asText().equals(client)
                                                    && s.get("site").asText().startsWith(prefix))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "no " + client + " site " + prefix + " in "
                                                            + reported));
            long calls = site.getValue().stream().mapToLong(Call::times).sum();
            assertEquals(calls, json.get("count").asLong(), "every call counted: " + json);
            assertEquals(1, json.get("actions").size(), json.toString());
            assertEquals(
                    calls,
                    json.get("actions").get(run.action(first.kind())).asLong(),
                    json.toString());
        }
    }

    /**
     * v1 as sent under report; under rewrite no in-scope v1 (each with the agent's one token), the
     * relayed and connection-only ones as v1; under enforce none, each carrying a token IMDS
     * refuses, and nothing of a connection-only call, whose write failed.
     */
    private static void assertWhatImdsReceived(Outcome run) {
        long v1 = count(run.variant(), Call.Kind.V1);
        long relayed = count(run.variant(), Call.Kind.RELAYED_V1);
        long connectionOnly = count(run.variant(), Call.Kind.CONNECTION_ONLY_V1);
        long v2 = count(run.variant(), Call.Kind.V2);
        ImdsStats stats = run.mock().stats();
        String received = stats.summary() + " " + run.mock().requests();
        long tokenRequests = run.received(ReceivedRequest.Kind.TOKEN);
        switch (run.mode()) {
            case "report" -> {
                assertEquals(
                        v1 + relayed + connectionOnly,
                        run.received(ReceivedRequest.Kind.V1),
                        "each v1 call, unchanged: " + received);
                assertEquals(v2, run.received(ReceivedRequest.Kind.V2), received);
                assertEquals(
                        run.variant().appTokens(),
                        tokenRequests,
                        "only the app's token PUT: " + received);
            }
            case "rewrite" -> {
                assertEquals(
                        relayed + connectionOnly,
                        run.received(ReceivedRequest.Kind.V1),
                        "only relayed and connection-only requests as v1: " + received);
                assertEquals(
                        relayed,
                        run.mock().requests().stream()
                                .filter(r -> r.kind() == ReceivedRequest.Kind.V1)
                                .filter(ReceivedRequest::forwardedFor)
                                .count(),
                        received);
                assertEquals(
                        v1 + v2,
                        stats.v2Served(),
                        "every in-scope v1 call arrived with a token: " + received);
                assertEquals(
                        run.variant().appTokens() + (v1 > 0 ? 1 : 0),
                        tokenRequests,
                        "the app's token PUT and one for the agent, none for what it cannot rewrite: "
                                + received);
            }
            default -> {
                assertEquals(
                        0,
                        run.received(ReceivedRequest.Kind.V1),
                        "no v1 request reached IMDS: " + received);
                assertEquals(
                        v1 + relayed + v2 + run.variant().appTokens(),
                        stats.total(),
                        "all IMDS received: " + received);
                assertEquals(
                        v1 + relayed,
                        stats.v2Rejected(),
                        "IMDS itself refused each blocked call: " + received);
                assertEquals(v2, stats.v2Served(), received);
                assertEquals(
                        run.variant().appTokens(),
                        tokenRequests,
                        "the enforce token is no real one: " + received);
            }
        }
    }

    private static void assertNoTokenLeaked(Outcome run) {
        assertTrue(
                run.variant().appTokens() == 0 || !run.mock().issuedTokens().isEmpty(),
                "the app took a token");
        for (String token : run.mock().issuedTokens()) {
            assertFalse(
                    run.jvm().stdout().contains(token),
                    "a token value leaked into standard output");
            assertFalse(
                    run.jvm().stderr().contains(token), "a token value leaked into standard error");
            assertFalse(run.reportText().contains(token), "a token value leaked into the report");
        }
    }

    /**
     * The v1 call sites, keyed {@code "<client> <app>.<method>("} ({@code "<client> *"} for a call
     * written on the client's own thread), with the calls made there.
     */
    private static Map<String, List<Call>> v1Sites(Variant variant) {
        Map<String, List<Call>> sites = new LinkedHashMap<>();
        for (Call call : variant.calls()) {
            if (call.kind() != Call.Kind.V2) {
                String where =
                        call.libraryFrames() != null
                                ? "*"
                                : variant.app().getName() + "." + call.site() + "(";
                sites.computeIfAbsent(variant.clientOf(call) + " " + where, k -> new ArrayList<>())
                        .add(call);
            }
        }
        return sites;
    }

    private static long count(Variant variant, Call.Kind kind) {
        return variant.calls().stream().filter(c -> c.kind() == kind).mapToLong(Call::times).sum();
    }
}
