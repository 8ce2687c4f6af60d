package io.imdsguard.bench;

import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-request benchmarks: non-IMDS requests through every client, and IMDS v1/v2 reads. */
final class RequestBench {

    private static final List<String> CLIENTS =
            List.of(
                    "httpUrlConnection",
                    "javaNetHttp",
                    "apacheHttpClient4",
                    "apacheHttpClient5",
                    "okHttp");

    private final BenchSettings settings;

    RequestBench(BenchSettings settings) {
        this.settings = settings;
    }

    /** Non-IMDS requests: the agent in report mode must cost nothing measurable (target ≤ 1 %). */
    List<Result> httpClients() throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            String url = "-Dbench.http.url=" + server.url();
            JmhRounds.Variant none =
                    new JmhRounds.Variant(
                            "no agent", HttpClientsBenchmark.class, CLIENTS, List.of(url));
            JmhRounds.Variant agent =
                    new JmhRounds.Variant(
                            "imds-guard report",
                            HttpClientsBenchmark.class,
                            CLIENTS,
                            List.of(url, settings.agentOption()));
            // The control: an agent that does nothing, to tell imds-guard's effect from having an
            // agent at all.
            JmhRounds.Variant empty =
                    new JmhRounds.Variant(
                            "an empty agent",
                            HttpClientsBenchmark.class,
                            CLIENTS,
                            List.of(
                                    url,
                                    "-javaagent:"
                                            + EmptyAgent.writeJar(
                                                    settings.out().resolve("empty-agent.jar"))));
            Progress.say("http: warming the loopback server");
            ServerWarmUp.get(server.url(), null);
            JmhRounds rounds = new JmhRounds(settings.httpTiming(), settings.out());
            Map<String, Map<String, List<Double>>> scores =
                    rounds.run("http", List.of(none, agent, empty), settings.jmhRounds(), null);
            List<Result> results = new ArrayList<>();
            for (String client : CLIENTS) {
                results.add(
                        Result.of(
                                "non-IMDS request (loopback)",
                                client,
                                none.label(),
                                scores.get(none.label()).get(client),
                                agent.label(),
                                scores.get(agent.label()).get(client),
                                "µs/op",
                                "≤ 1.01",
                                1.01,
                                null));
            }
            // What the agent adds to a non-IMDS request is the same few comparisons in every
            // client, while a
            // single pair of forks moves by 5 to 25 %: pooling every client's pairs gives the
            // median more pairs.
            results.add(pooled("non-IMDS request (loopback)", scores, none, agent, "≤ 1.01", 1.01));
            for (String client : CLIENTS) {
                results.add(
                        Result.of(
                                "non-IMDS request (loopback), against an empty agent",
                                client,
                                empty.label(),
                                scores.get(empty.label()).get(client),
                                agent.label(),
                                scores.get(agent.label()).get(client),
                                "µs/op",
                                null,
                                null,
                                "the control: both JVMs run a -javaagent"));
            }
            results.add(
                    pooled(
                            "non-IMDS request (loopback), against an empty agent",
                            scores,
                            empty,
                            agent,
                            null,
                            null));
            return results;
        }
    }

    /** Every client's pairs of forks together, paired as they ran. */
    private static Result pooled(
            String section,
            Map<String, Map<String, List<Double>>> scores,
            JmhRounds.Variant baseline,
            JmhRounds.Variant with,
            String target,
            Double maxRatio) {
        List<Double> baselines = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String client : CLIENTS) {
            List<Double> clientBaselines = scores.get(baseline.label()).get(client);
            List<Double> clientValues = scores.get(with.label()).get(client);
            for (int i = 0; i < Math.min(clientBaselines.size(), clientValues.size()); i++) {
                baselines.add(clientBaselines.get(i));
                values.add(clientValues.get(i));
            }
        }
        return Result.of(
                section,
                "all " + CLIENTS.size() + " clients' pairs pooled",
                baseline.label(),
                baselines,
                with.label(),
                values,
                "µs/op",
                target,
                maxRatio,
                "each client's pairs of forks together; the medians mix the clients' latencies");
    }

    /**
     * Per round: the calling thread's CPU time per call, from ImdsBenchmark.CallerCpu's counters.
     */
    private static List<Double> cpuMicrosPerCall(Map<String, List<Double>> scores, String method) {
        List<Double> cpu = scores.get(method + ":cpuNanos");
        List<Double> calls = scores.get(method + ":calls");
        if (cpu == null || calls == null) {
            throw new IllegalStateException(
                    "no CPU counters for " + method + " in " + scores.keySet());
        }
        List<Double> perCall = new ArrayList<>();
        for (int i = 0; i < cpu.size(); i++) {
            perCall.add(cpu.get(i) / calls.get(i) / 1000.0);
        }
        return perCall;
    }

    /**
     * IMDS reads: v1 in report mode against no agent, and v1 rewritten to v2 against a client that
     * does v2 itself (target ≤ 1.05), with the token PUTs each JVM made, read from the mock.
     */
    List<Result> imds() throws Exception {
        try (MockImds optional = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                MockImds required = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            List<String> v1 = List.of("v1");
            JmhRounds.Variant none =
                    new JmhRounds.Variant(
                            "v1, no agent",
                            ImdsBenchmark.class,
                            v1,
                            List.of("-Dbench.imds.url=" + optional.endpoint()));
            JmhRounds.Variant report =
                    new JmhRounds.Variant(
                            "v1, imds-guard report",
                            ImdsBenchmark.class,
                            v1,
                            List.of(
                                    "-Dbench.imds.url=" + optional.endpoint(),
                                    settings.agentOption() + "=endpoint=" + optional.endpoint()));
            JmhRounds.Variant nativeV2 =
                    new JmhRounds.Variant(
                            "v2 client with its own token, no agent",
                            ImdsBenchmark.class,
                            List.of("v2Native"),
                            List.of("-Dbench.imds.url=" + required.endpoint()));
            JmhRounds.Variant rewrite =
                    new JmhRounds.Variant(
                            "v1, imds-guard rewrite",
                            ImdsBenchmark.class,
                            v1,
                            List.of(
                                    "-Dbench.imds.url=" + required.endpoint(),
                                    settings.agentOption()
                                            + "=mode=rewrite,rewrite.callers=io.imdsguard.bench.,endpoint="
                                            + required.endpoint()));
            Progress.say("imds: warming the mock IMDS");
            ServerWarmUp.get(optional.endpoint() + "/latest/meta-data/instance-id", null);
            ServerWarmUp.get(
                    required.endpoint() + "/latest/meta-data/instance-id",
                    ServerWarmUp.token(required.endpoint()));
            required.resetStats();
            optional.resetStats();
            Map<String, List<Double>> tokenPuts = new LinkedHashMap<>();
            JmhRounds.RunHook countTokens =
                    new JmhRounds.RunHook() {
                        private long before;

                        @Override
                        public void before(JmhRounds.Variant variant) {
                            before =
                                    required.stats().tokensIssued()
                                            + optional.stats().tokensIssued();
                        }

                        @Override
                        public void after(JmhRounds.Variant variant) {
                            long puts =
                                    required.stats().tokensIssued()
                                            + optional.stats().tokensIssued()
                                            - before;
                            tokenPuts
                                    .computeIfAbsent(variant.label(), v -> new ArrayList<>())
                                    .add((double) puts);
                            // The mock keeps a log of its last 100,000 requests; the bench needs
                            // only counters.
                            required.resetStats();
                            optional.resetStats();
                        }
                    };
            JmhRounds rounds = new JmhRounds(settings.imdsTiming(), settings.out());
            Map<String, Map<String, List<Double>>> scores =
                    rounds.run(
                            "imds",
                            List.of(none, report, nativeV2, rewrite),
                            settings.jmhRounds(),
                            countTokens);
            List<Result> results = new ArrayList<>();
            results.add(
                    Result.of(
                            "IMDS read (mock IMDS, loopback)",
                            "v1 GET, report mode",
                            none.label(),
                            scores.get(none.label()).get("v1"),
                            report.label(),
                            scores.get(report.label()).get("v1"),
                            "µs/op",
                            null,
                            null,
                            "stack walked on every v1 call to find its call site"));
            results.add(
                    Result.of(
                            "IMDS read (mock IMDS, loopback)",
                            "v1 GET rewritten to v2",
                            nativeV2.label(),
                            scores.get(nativeV2.label()).get("v2Native"),
                            rewrite.label(),
                            scores.get(rewrite.label()).get("v1"),
                            "µs/op",
                            "≤ 1.05",
                            1.05,
                            null));
            List<Double> nativeCpu = cpuMicrosPerCall(scores.get(nativeV2.label()), "v2Native");
            List<Double> rewriteCpu = cpuMicrosPerCall(scores.get(rewrite.label()), "v1");
            results.add(
                    Result.of(
                            "IMDS read (mock IMDS, loopback)",
                            "calling thread's CPU per read, v1 rewritten",
                            nativeV2.label(),
                            nativeCpu,
                            rewrite.label(),
                            rewriteCpu,
                            "µs CPU/op",
                            null,
                            null,
                            "what the agent adds to a call, without the mock server's share of the latency"));
            // The rewritten read's latency is the native read's plus what the agent adds on the
            // calling
            // thread: the server's work is the same for both. Per round, from that round's forks.
            List<Double> nativeLatency = scores.get(nativeV2.label()).get("v2Native");
            List<Double> derived = new ArrayList<>();
            for (int i = 0; i < nativeLatency.size(); i++) {
                derived.add(nativeLatency.get(i) + rewriteCpu.get(i) - nativeCpu.get(i));
            }
            results.add(
                    Result.of(
                            "IMDS read (mock IMDS, loopback)",
                            "v1 GET rewritten to v2: native latency + CPU the agent adds",
                            nativeV2.label(),
                            nativeLatency,
                            rewrite.label(),
                            derived,
                            "µs/op",
                            "≤ 1.05",
                            1.05,
                            "the row above's difference added to the native read's latency"));
            List<Double> rewritePuts = tokenPuts.get(rewrite.label());
            List<Double> nativePuts = tokenPuts.get(nativeV2.label());
            boolean onePerJvm = rewritePuts.stream().allMatch(puts -> puts == 1.0);
            results.add(
                    new Result(
                            "IMDS read (mock IMDS, loopback)",
                            "token PUTs per JVM (TTL 21600 s)",
                            nativeV2.label(),
                            Stats.median(nativePuts),
                            rewrite.label(),
                            Stats.median(rewritePuts),
                            "PUTs",
                            Stats.median(Stats.ratios(rewritePuts, nativePuts)),
                            Stats.min(rewritePuts),
                            Stats.max(rewritePuts),
                            rewritePuts.size(),
                            "exactly 1 per TTL",
                            onePerJvm,
                            "rewrite run PUTs per fork: "
                                    + rewritePuts
                                    + "; spread column shows min–max PUTs"));
            return results;
        }
    }
}
