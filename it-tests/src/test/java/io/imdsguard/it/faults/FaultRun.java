package io.imdsguard.it.faults;

import io.imdsguard.it.apps.FaultApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.FreePort;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.PrometheusText;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@link FaultApp} JVM, with or without the agent, against its own mock IMDS, taken through a
 * script of faults. It keeps what a user could see: each round's outcomes, two scrapes, the report,
 * the output, and what the mock received.
 */
final class FaultRun {

    private static final Pattern RESOURCES =
            Pattern.compile("threads=(\\d+) fds=(\\d+) heapKb=(\\d+)");

    /**
     * A step of the script: a fault and how many rounds of calls to make under it; {@code alone}:
     * while no JVM of the suite runs its load, for a step whose check depends on its own timing.
     */
    record Step(String label, Fault fault, int rounds, boolean alone) {
        Step(String label, Fault fault, int rounds) {
            this(label, fault, rounds, false);
        }
    }

    final String name;
    final String agentArguments;
    final HttpTokens httpTokens;
    final Path report;
    final int prometheusPort;
    final Map<String, List<String>> rounds = new LinkedHashMap<>();
    String load;
    long loadMillis;
    long tokensIssuedDuringLoad;
    int[] resourcesAtBaseline;
    int[] resourcesAfterRun;
    PrometheusText scrapeBeforeRefused;
    PrometheusText scrapeAtEnd;
    List<ReceivedRequest> receivedBeforeRefused;
    Map<String, Long> tokenRequestsPerStep = new LinkedHashMap<>();

    /** How long each step's rounds took, from injecting the fault to the last round's answer. */
    Map<String, Long> millisPerStep = new LinkedHashMap<>();

    /**
     * What the JVM wrote to standard error during each step, and the scrapes just before and after
     * it.
     */
    Map<String, String> stderrPerStep = new LinkedHashMap<>();

    Map<String, List<PrometheusText>> scrapesAroundStep = new LinkedHashMap<>();
    Set<String> issuedTokens;
    JvmResult result;

    FaultRun(String name, String agentArguments, HttpTokens httpTokens, Path dir) throws Exception {
        this.name = name;
        this.httpTokens = httpTokens;
        this.report = agentArguments == null ? null : dir.resolve(name + "-report.json");
        this.prometheusPort = agentArguments == null ? 0 : FreePort.find();
        this.agentArguments =
                agentArguments == null
                        ? null
                        : agentArguments
                                + ",report="
                                + report
                                + ",prometheus.port="
                                + prometheusPort;
    }

    /** Up to six loads of a minute or so each may come first. */
    private void awaitTurn(Semaphore turn) throws InterruptedException {
        if (!turn.tryAcquire(15, java.util.concurrent.TimeUnit.MINUTES)) {
            throw new AssertionError(name + ": no turn without a load within 15 minutes");
        }
    }

    boolean withAgent() {
        return agentArguments != null;
    }

    /**
     * Warm-up round and resource baseline, the steps, a load, resources again, then the endpoint
     * stopped (connection refused) for one last round.
     */
    void run(List<Step> steps, int loadThreads, int loadCalls, Semaphore loadTurn)
            throws Exception {
        MockImds mock = MockImds.builder().httpTokens(httpTokens).start();
        try {
            AppJvm jvm =
                    AppJvm.mainClass(FaultApp.class)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
            if (withAgent()) {
                jvm.withAgent(agentArguments);
            }
            AppJvm.Running app = jvm.start();
            app.awaitStdout("ready");
            // Seven JVMs start at once on two cores: load the clients' classes before a timeout can
            // count.
            app.step("load 4 2");
            rounds.put("warm-up", List.of(app.step("round")));
            if (withAgent()) {
                // The endpoint's server and formatting load on the first scrape: before the
                // baseline, not in it.
                scrape();
            }
            resourcesAtBaseline = resources(app.step("resources"));
            for (Step step : steps) {
                long tokensBefore = tokenRequests(mock);
                int stderrBefore = app.stderr().length();
                PrometheusText scrapeBefore = withAgent() ? scrape() : null;
                if (step.alone()) {
                    awaitTurn(loadTurn);
                }
                List<String> outcomes = new ArrayList<>();
                try {
                    long started = System.nanoTime();
                    step.fault().inject(mock);
                    for (int i = 0; i < step.rounds(); i++) {
                        outcomes.add(app.step("round"));
                    }
                    millisPerStep.put(step.label(), (System.nanoTime() - started) / 1_000_000);
                } finally {
                    if (step.alone()) {
                        loadTurn.release();
                    }
                }
                Fault.healAll(mock);
                rounds.put(step.label(), outcomes);
                tokenRequestsPerStep.put(step.label(), tokenRequests(mock) - tokensBefore);
                stderrPerStep.put(step.label(), app.stderr().substring(stderrBefore));
                if (withAgent()) {
                    scrapesAroundStep.put(step.label(), List.of(scrapeBefore, scrape()));
                }
            }
            if (loadCalls > 0) {
                // One load at a time: on two cores, concurrent loads would measure the machine, not
                // the agent.
                awaitTurn(loadTurn);
                try {
                    long tokensBefore = mock.stats().tokensIssued();
                    long started = System.nanoTime();
                    load = app.step("load " + loadThreads + " " + loadCalls);
                    loadMillis = (System.nanoTime() - started) / 1_000_000;
                    tokensIssuedDuringLoad = mock.stats().tokensIssued() - tokensBefore;
                } finally {
                    loadTurn.release();
                }
            }
            resourcesAfterRun = resources(app.step("resources"));
            if (withAgent()) {
                scrapeBeforeRefused = scrape();
            }
            receivedBeforeRefused = mock.requests();
            issuedTokens = mock.issuedTokens();
            mock.close();
            rounds.put("refused", List.of(app.step("round")));
            if (withAgent()) {
                scrapeAtEnd = scrape();
            }
            app.sendLine("quit");
            result = app.finish();
        } finally {
            mock.close();
        }
    }

    /**
     * Up to three tries: on a machine this busy the test JVM's own HttpClient has been seen to fail
     * a loopback connect (ClosedChannelException) right after a load; the agent's endpoint is not
     * what is under test here.
     */
    private PrometheusText scrape() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return PrometheusText.scrape(metricsUrl());
            } catch (java.io.IOException e) {
                if (attempt == 3) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    String metricsUrl() {
        return "http://127.0.0.1:" + prometheusPort + "/metrics";
    }

    private static long tokenRequests(MockImds mock) {
        return mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.TOKEN).count();
    }

    private static int[] resources(String line) {
        Matcher m = RESOURCES.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no resources in: " + line);
        }
        return new int[] {
            Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
