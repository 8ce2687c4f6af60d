package io.imdsguard.it.apps.clients.apache;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of a client app (see {@link ApacheHttpClient4App}: one {@code methodName: result} line per
 * call, v1 calls in {@code v1...} methods, v2 in {@code v2...}, one token PUT per run) with the agent
 * in one mode against a mock IMDS in one {@code HttpTokens} setting, and everything a user would
 * check about it: what the application saw, what IMDS received, what the report and the log say,
 * and that no token value leaked. Shared by the Apache HttpClient and RestTemplate tests.
 */
public final class ClientMatrix {

    private final Class<?> app;
    private final Function<String, String> expectedClient;

    /**
     * @param app            the app's main class; every v1 call site must be one of its methods
     * @param expectedClient the client name the agent must report for a v1 method's name
     */
    public ClientMatrix(Class<?> app, Function<String, String> expectedClient) {
        this.app = app;
        this.expectedClient = expectedClient;
    }

    /** How many times the app is told to make each call: every count below is checked against it. */
    static final int REPETITIONS = 2;

    /**
     * What to start: the app on some classpath, told to make each of its calls {@code repetitions}
     * times; the matrix adds the mock's endpoint and the agent arguments.
     */
    public interface Launch {
        AppJvm app(String repetitions);
    }

    /** Runs the app once and checks it; returns the run for anything more a test wants to look at. */
    public JvmResult runAndCheck(Launch launch, String mode, HttpTokens httpTokens, Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(httpTokens).start()) {
            Path report = dir.resolve("report.json");
            String callers = app.getPackageName() + ".";
            JvmResult run = launch.app(String.valueOf(REPETITIONS))
                    .withAgent("mode=" + mode + ",rewrite.callers=" + callers + ",report=" + report)
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdout().contains("done"), run.describe());
            assertTrue(run.agent().linesContaining("internal error").isEmpty()
                    && run.agent().linesContaining("could not instrument").isEmpty(), run.stderr());

            // What the application saw: each of its call methods, as many times as it was told.
            Map<String, List<String>> results = results(run);
            Set<String> v1Methods = callMethods("v1");
            Set<String> v2Methods = callMethods("v2");
            assertFalse(v1Methods.isEmpty() || v2Methods.isEmpty(), "no v1/v2 methods in " + app);
            Set<String> expectedMethods = new TreeSet<>(v1Methods);
            expectedMethods.addAll(v2Methods);
            assertEquals(expectedMethods, new TreeSet<>(results.keySet()), "every call method ran, no other: "
                    + run.stdout());
            int reps = REPETITIONS;
            for (Map.Entry<String, List<String>> method : results.entrySet()) {
                assertEquals(reps, method.getValue().size(), method.getKey() + " ran as often as the app was told: "
                        + run.stdout());
            }
            long v1Calls = (long) v1Methods.size() * reps;
            long v2Calls = (long) v2Methods.size() * reps;
            boolean v1Works = mode.equals("rewrite") || (mode.equals("report") && httpTokens == HttpTokens.OPTIONAL);
            for (String method : v1Methods) {
                for (String result : results.get(method)) {
                    if (v1Works) {
                        assertTrue(result.startsWith("200 "), method + " should work: " + result + "\n" + run.describe());
                    } else {
                        assertTrue(result.contains("401"), method + " should get 401 as under HttpTokens=required: "
                                + result + "\n" + run.describe());
                    }
                }
            }
            for (String method : v2Methods) {
                assertTrue(results.get(method).stream().allMatch(r -> r.startsWith("200 ")),
                        "native v2 works in every mode: " + method + " " + results.get(method));
            }

            // What IMDS received.
            List<ReceivedRequest> received = mock.requests();
            long v1Received = received.stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count();
            long v2Received = received.stream().filter(r -> r.kind() == ReceivedRequest.Kind.V2).count();
            long tokenPuts = received.stream().filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN).count();
            ImdsStats stats = mock.stats();
            if (mode.equals("report")) {
                assertEquals(v1Calls, v1Received, "each v1 call reached IMDS once, unchanged: " + received);
                assertEquals(v2Calls, v2Received, received.toString());
                assertEquals(1, tokenPuts, "only the application's own token PUT: " + received);
            } else {
                assertEquals(0, v1Received, "no v1 request reached IMDS: " + received);
                assertEquals(v1Calls + v2Calls, v2Received, "every v1 call arrived with a token: " + received);
                assertEquals(mode.equals("rewrite") ? 2 : 1, tokenPuts,
                        "the application's token PUT" + (mode.equals("rewrite") ? " and one for the agent: " : ": ")
                                + received);
            }
            if (mode.equals("enforce")) {
                assertEquals(v1Calls, stats.v2Rejected(), "IMDS itself refused each blocked call: " + stats);
            } else if (mode.equals("rewrite")) {
                assertEquals(v1Calls + v2Calls, stats.v2Served(), stats.toString());
            }

            // What the report says.
            String action = switch (mode) {
                case "rewrite" -> "rewritten";
                case "enforce" -> "blocked";
                default -> "observed";
            };
            JsonNode json = Reports.read(report);
            JsonNode totals = json.get("totals");
            assertEquals(v1Calls, totals.get("v1").asLong(), "each v1 call counted once: " + totals);
            assertEquals(v2Calls, totals.get("v2").asLong(), "native v2 counted as v2: " + totals);
            assertEquals(1, totals.get("token").asLong(), totals.toString());
            assertEquals(v1Methods.size(), totals.get("v1CallSites").asLong(), totals.toString());
            assertEquals(mode.equals("rewrite") ? v1Calls : 0, totals.get("rewritten").asLong(), totals.toString());
            assertEquals(mode.equals("enforce") ? v1Calls : 0, totals.get("blocked").asLong(), totals.toString());
            List<JsonNode> sites = Reports.callSites(json);
            assertEquals(v1Methods.size(), sites.size(), "one site per v1 method, none for v2: " + sites);
            for (String method : v1Methods) {
                String prefix = app.getName() + "." + method + "(";
                JsonNode site = Reports.siteStartingWith(json, prefix);
                assertEquals(expectedClient.apply(method), site.get("client").asText(), site.toString());
                assertEquals(reps, site.get("count").asLong(), "every call of " + method + " counted: " + site);
                assertEquals(1, site.get("actions").size(), site.toString());
                assertEquals(reps, site.get("actions").get(action).asLong(), site.toString());
            }

            // What the log says: one first-sight block per site, starting at the application's frame.
            List<FirstSight> sights = run.agent().firstSights();
            assertEquals(v1Methods.size(), sights.size(), run.stderr());
            for (FirstSight sight : sights) {
                String method = sight.site().substring(app.getName().length() + 1, sight.site().indexOf('('));
                assertTrue(sight.site().startsWith(app.getName() + ".") && v1Methods.contains(method),
                        "the call site is the application's frame, not the library's: " + sight);
                assertEquals(expectedClient.apply(method), sight.client(), sight.toString());
                assertEquals(action, sight.action(), sight.toString());
                assertEquals(sight.site(), sight.frames().get(0), sight.toString());
            }

            // No token value anywhere.
            assertFalse(mock.issuedTokens().isEmpty());
            String reportText = Files.readString(report);
            for (String token : mock.issuedTokens()) {
                assertFalse(run.stdout().contains(token), "a token value leaked into standard output");
                assertFalse(run.stderr().contains(token), "a token value leaked into standard error");
                assertFalse(reportText.contains(token), "a token value leaked into the report");
            }
            return run;
        }
    }

    /** The app's own call methods whose names start with {@code prefix} (v1 or v2): what it must run. */
    private Set<String> callMethods(String prefix) {
        return java.util.Arrays.stream(app.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getReturnType() == String.class
                        && m.getParameterCount() == 0 && m.getName().startsWith(prefix))
                .map(java.lang.reflect.Method::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each method's results, in call order. */
    static Map<String, List<String>> results(JvmResult run) {
        Map<String, List<String>> results = new LinkedHashMap<>();
        for (String line : run.stdoutLines()) {
            int colon = line.indexOf(": ");
            if (line.startsWith("v1") || line.startsWith("v2")) {
                results.computeIfAbsent(line.substring(0, colon), k -> new java.util.ArrayList<>())
                        .add(line.substring(colon + 2));
            }
        }
        return results;
    }
}
