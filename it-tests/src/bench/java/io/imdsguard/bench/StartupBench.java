package io.imdsguard.bench;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * JVM start-up to the application's first line, with no agent, with an agent that does nothing,
 * with imds-guard and with the OpenTelemetry Java agent (exporting nothing), in interleaved
 * repetitions so that each agent's run sits next to a run without it.
 */
final class StartupBench {

    /**
     * The OpenTelemetry agent exports nothing and looks for no cloud metadata: nothing leaves
     * loopback.
     */
    static final List<String> OTEL_QUIET =
            List.of(
                    "-Dotel.traces.exporter=none",
                    "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none",
                    "-Dotel.resource.providers.aws.enabled=false",
                    "-Dotel.resource.providers.gcp.enabled=false",
                    "-Dotel.resource.providers.azure.enabled=false");

    private static final String NONE = "no agent";
    private static final String EMPTY = "an empty agent";
    private static final String WATCHING = "an empty agent with a no-op transformer";
    private static final String GUARD = "imds-guard";
    private static final String OTEL = "OpenTelemetry agent";

    private final BenchSettings settings;
    private Path emptyAgent;
    private final String javaCommand =
            Paths.get(System.getProperty("java.home"), "bin", "java").toString();

    StartupBench(BenchSettings settings) {
        this.settings = settings;
    }

    /**
     * @param firstCall the line that shows the app's first HTTP request answered; null if it makes
     *     none
     */
    private record App(
            String name,
            List<String> target,
            Predicate<String> firstLine,
            Predicate<String> firstCall) {}

    List<Result> run() throws Exception {
        emptyAgent = EmptyAgent.writeJar(settings.out().resolve("empty-agent.jar"));
        Path jar = settings.out().resolve("many-classes.jar");
        GeneratedClasses.writeJar(jar, settings.generatedClasses());
        String classPath =
                Paths.get(
                                ManyClassesApp.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        + File.pathSeparator
                        + jar;
        List<App> apps =
                List.of(
                        new App(
                                "demo app",
                                List.of("-jar", settings.demoJar().toString()),
                                line -> line.startsWith("demo:"),
                                line -> line.startsWith("[")),
                        new App(
                                String.format(
                                        Locale.ROOT,
                                        "app loading %,d classes",
                                        settings.generatedClasses()),
                                List.of(
                                        "-cp",
                                        classPath,
                                        ManyClassesApp.class.getName(),
                                        Integer.toString(settings.generatedClasses())),
                                line -> line.startsWith("many-classes:"),
                                null));
        List<Result> results = new ArrayList<>();
        for (App app : apps) {
            results.addAll(measure(app));
        }
        return results;
    }

    private Map<String, List<String>> agents() {
        Map<String, List<String>> agents = new LinkedHashMap<>();
        agents.put(NONE, List.of());
        agents.put(EMPTY, List.of("-javaagent:" + emptyAgent));
        agents.put(WATCHING, List.of("-javaagent:" + emptyAgent + "=" + EmptyAgent.WATCH));
        agents.put(GUARD, List.of(settings.agentOption()));
        List<String> otel = new ArrayList<>();
        otel.add("-javaagent:" + settings.otelJar());
        otel.addAll(OTEL_QUIET);
        agents.put(OTEL, otel);
        return agents;
    }

    private List<Result> measure(App app) throws Exception {
        Map<String, List<String>> agents = agents();
        Map<String, List<Double>> firstLine = new LinkedHashMap<>();
        Map<String, List<Double>> firstCall = new LinkedHashMap<>();
        Map<String, List<Double>> exit = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>(agents.keySet());
        int repetitions = settings.startupRepetitions();
        // One unmeasured run each first: the page cache must hold the jars before anything counts.
        for (int rep = -1; rep < repetitions; rep++) {
            if (rep >= 0) {
                Progress.say(
                        "start-up, "
                                + app.name()
                                + ": repetition "
                                + (rep + 1)
                                + "/"
                                + repetitions);
            }
            // Rotate the order so no configuration always runs first (or right after the slow one).
            for (int i = 0; i < labels.size(); i++) {
                String label = labels.get((i + Math.max(rep, 0)) % labels.size());
                List<String> command = new ArrayList<>();
                command.add(javaCommand);
                command.addAll(agents.get(label));
                command.addAll(app.target());
                ProcessTimer.Timing timing =
                        ProcessTimer.time(command, Map.of(), app.firstLine(), app.firstCall());
                if (rep >= 0) {
                    firstLine
                            .computeIfAbsent(label, l -> new ArrayList<>())
                            .add(timing.firstLineMillis());
                    exit.computeIfAbsent(label, l -> new ArrayList<>()).add(timing.exitMillis());
                    firstCall
                            .computeIfAbsent(label, l -> new ArrayList<>())
                            .add(timing.laterLineMillis());
                }
            }
        }
        String section = "start-up: " + app.name();
        List<Result> results = new ArrayList<>();
        results.add(
                Result.of(
                        section,
                        "to first line, imds-guard",
                        NONE,
                        firstLine.get(NONE),
                        GUARD,
                        firstLine.get(GUARD),
                        "ms",
                        "≤ 1.10",
                        1.10,
                        null));
        results.add(
                Result.of(
                        section,
                        "to first line, an empty -javaagent (what any agent costs)",
                        NONE,
                        firstLine.get(NONE),
                        EMPTY,
                        firstLine.get(EMPTY),
                        "ms",
                        null,
                        null,
                        "premain does nothing"));
        results.add(
                Result.of(
                        section,
                        "to first line, an empty agent with a no-op class transformer",
                        NONE,
                        firstLine.get(NONE),
                        WATCHING,
                        firstLine.get(WATCHING),
                        "ms",
                        null,
                        null,
                        "what any agent that instruments classes as they load costs: the JVM hands it every class"));
        results.add(
                Result.of(
                        section,
                        "to first line, imds-guard against an empty agent",
                        EMPTY,
                        firstLine.get(EMPTY),
                        GUARD,
                        firstLine.get(GUARD),
                        "ms",
                        null,
                        null,
                        "imds-guard's class transformer and its own start"));
        results.add(
                Result.of(
                        section,
                        "to first line, imds-guard against the no-op class transformer",
                        WATCHING,
                        firstLine.get(WATCHING),
                        GUARD,
                        firstLine.get(GUARD),
                        "ms",
                        null,
                        null,
                        "imds-guard's own start, beside main"));
        results.add(
                Result.of(
                        section,
                        "to first line, OpenTelemetry agent " + settings.otelVersion(),
                        NONE,
                        firstLine.get(NONE),
                        OTEL,
                        firstLine.get(OTEL),
                        "ms",
                        null,
                        null,
                        null));
        double none = Stats.median(firstLine.get(NONE));
        double guardAdded = Stats.median(firstLine.get(GUARD)) - none;
        double otelAdded = Stats.median(firstLine.get(OTEL)) - none;
        double share = guardAdded / otelAdded;
        results.add(
                new Result(
                        section,
                        "time added: imds-guard's / OpenTelemetry's",
                        OTEL + " added",
                        otelAdded,
                        GUARD + " added",
                        guardAdded,
                        "ms",
                        share,
                        Double.NaN,
                        Double.NaN,
                        firstLine.get(NONE).size(),
                        "≤ 0.20",
                        share <= 0.20,
                        "medians of time to first line, minus no agent's"));
        if (app.firstCall() != null) {
            // Byte Buddy is set up when the first HTTP client class loads: that cost lands here,
            // not before main.
            results.add(
                    Result.of(
                            section,
                            "to first IMDS answer, imds-guard",
                            NONE,
                            firstCall.get(NONE),
                            GUARD,
                            firstCall.get(GUARD),
                            "ms",
                            null,
                            null,
                            "the instrumentation is set up at the first HTTP client"));
        }
        results.add(
                Result.of(
                        section,
                        "whole process, imds-guard",
                        NONE,
                        exit.get(NONE),
                        GUARD,
                        exit.get(GUARD),
                        "ms",
                        null,
                        null,
                        "to exit, shutdown hooks included"));
        return results;
    }
}
