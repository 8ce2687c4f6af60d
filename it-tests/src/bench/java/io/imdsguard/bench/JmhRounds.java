package io.imdsguard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH benchmarks under several JVM configurations (with and without the agent), interleaved:
 * round after round, each configuration once per round in alternating order, so that a machine that
 * gets busier or quieter during the run affects both sides alike. Each run is one fresh fork.
 */
final class JmhRounds {

    /** One side of a comparison: which benchmark methods, run with which extra JVM arguments. */
    record Variant(String label, Class<?> benchmark, List<String> methods, List<String> jvmArgs) {}

    /** Called around each run, e.g. to read the mock IMDS's counters. */
    interface RunHook {
        void before(Variant variant);

        void after(Variant variant);
    }

    record Timing(int warmupIterations, int measurementIterations, int secondsPerIteration) {}

    private final Timing timing;
    private final Path logDir;

    JmhRounds(Timing timing, Path logDir) {
        this.timing = timing;
        this.logDir = logDir;
    }

    /**
     * @return variant label → benchmark method → one score (µs/op) per round; a benchmark's
     *     auxiliary counters under "method:counter"
     */
    Map<String, Map<String, List<Double>>> run(
            String name, List<Variant> variants, int rounds, RunHook hook) throws RunnerException {
        Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
        for (Variant variant : variants) {
            scores.put(variant.label(), new LinkedHashMap<>());
        }
        for (int round = 0; round < rounds; round++) {
            List<Variant> order = new ArrayList<>(variants);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Variant variant : order) {
                Progress.say(
                        name + ": round " + (round + 1) + "/" + rounds + ", " + variant.label());
                if (hook != null) {
                    hook.before(variant);
                }
                for (RunResult result : runOnce(name, round, variant)) {
                    String benchmark = result.getParams().getBenchmark();
                    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    scores.get(variant.label())
                            .computeIfAbsent(method, m -> new ArrayList<>())
                            .add(result.getPrimaryResult().getScore());
                    // Auxiliary counters (see ImdsBenchmark.CallerCpu), under "method:counter".
                    result.getSecondaryResults()
                            .forEach(
                                    (counter, value) ->
                                            scores.get(variant.label())
                                                    .computeIfAbsent(
                                                            method + ":" + counter,
                                                            m -> new ArrayList<>())
                                                    .add(value.getScore()));
                }
                if (hook != null) {
                    hook.after(variant);
                }
            }
        }
        return scores;
    }

    private java.util.Collection<RunResult> runOnce(String name, int round, Variant variant)
            throws RunnerException {
        String include =
                "^"
                        + java.util.regex.Pattern.quote(variant.benchmark().getName())
                        + "\\.("
                        + String.join("|", variant.methods())
                        + ")$";
        String log =
                logDir.resolve(
                                "jmh-"
                                        + name
                                        + "-"
                                        + variant.label().replaceAll("[^A-Za-z0-9]+", "-")
                                        + "-round"
                                        + (round + 1)
                                        + ".log")
                        .toString();
        ChainedOptionsBuilder options =
                new OptionsBuilder()
                        .include(include)
                        .forks(1)
                        .warmupIterations(timing.warmupIterations())
                        .warmupTime(TimeValue.seconds(timing.secondsPerIteration()))
                        .measurementIterations(timing.measurementIterations())
                        .measurementTime(TimeValue.seconds(timing.secondsPerIteration()))
                        .shouldFailOnError(true)
                        .output(log);
        if (!variant.jvmArgs().isEmpty()) {
            options.jvmArgsAppend(variant.jvmArgs().toArray(new String[0]));
        }
        java.util.Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != variant.methods().size()) {
            throw new IllegalStateException(
                    variant.label()
                            + ": expected "
                            + variant.methods().size()
                            + " results, got "
                            + results.size()
                            + "; see "
                            + log);
        }
        return results;
    }
}
