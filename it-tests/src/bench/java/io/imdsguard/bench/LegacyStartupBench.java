package io.imdsguard.bench;

import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The start-up section on a legacy JVM (Java 8 from .ci/legacy-jdks, {@code -Dbench.java8.home}):
 * no agent against imds-guard, in interleaved repetitions, with the test apps compiled for Java 8
 * (it-tests/target/app-classes-java8): one that exits at once, and JdkClientsApp's first IMDS
 * answer through HttpURLConnection from the mock IMDS (on Java 8 it makes only those calls).
 */
final class LegacyStartupBench {

    private static final String NONE = "no agent";
    private static final String GUARD = "imds-guard";

    private final BenchSettings settings;
    private final Path javaHome;

    LegacyStartupBench(BenchSettings settings, Path javaHome) {
        this.settings = settings;
        this.javaHome = javaHome;
    }

    private record App(
            String name,
            List<String> target,
            Predicate<String> firstLine,
            Predicate<String> firstCall) {}

    List<Result> run() throws Exception {
        Path testClasses =
                Paths.get(
                        ManyClassesApp.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        String classPath = testClasses.getParent().resolve("app-classes-java8").toString();
        Process version =
                new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-version")
                        .redirectErrorStream(true)
                        .start();
        Progress.say(
                "start-up on "
                        + javaHome
                        + ":\n"
                        + new String(
                                        version.getInputStream().readAllBytes(),
                                        java.nio.charset.StandardCharsets.UTF_8)
                                .trim());
        version.waitFor();
        List<Result> results = new ArrayList<>();
        try (MockImds imds = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Map<String, String> env = Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint());
            results.addAll(
                    measure(
                            new App(
                                    "app that exits at once",
                                    List.of(
                                            "-cp",
                                            classPath,
                                            "io.imdsguard.it.apps.ExitsAtOnceApp",
                                            "return"),
                                    line -> line.startsWith("exits-at-once:"),
                                    null),
                            env));
            results.addAll(
                    measure(
                            new App(
                                    "JdkClientsApp (HttpURLConnection)",
                                    List.of(
                                            "-cp",
                                            classPath,
                                            "io.imdsguard.it.apps.JdkClientsApp",
                                            "1"),
                                    line -> true,
                                    line -> line.startsWith("v1 HttpURLConnection:")),
                            env));
        }
        return results;
    }

    private List<Result> measure(App app, Map<String, String> env) throws Exception {
        Map<String, List<String>> agents = new LinkedHashMap<>();
        agents.put(NONE, List.of());
        agents.put(GUARD, List.of(settings.agentOption()));
        Map<String, List<Double>> firstLine = new LinkedHashMap<>();
        Map<String, List<Double>> firstCall = new LinkedHashMap<>();
        Map<String, List<Double>> exit = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>(agents.keySet());
        int repetitions = settings.startupRepetitions();
        for (int rep = -1; rep < repetitions; rep++) {
            if (rep >= 0) {
                Progress.say(
                        "start-up on Java 8, "
                                + app.name()
                                + ": repetition "
                                + (rep + 1)
                                + "/"
                                + repetitions);
            }
            for (int i = 0; i < labels.size(); i++) {
                String label = labels.get((i + Math.max(rep, 0)) % labels.size());
                List<String> command = new ArrayList<>();
                command.add(javaHome.resolve("bin/java").toString());
                command.addAll(agents.get(label));
                command.addAll(app.target());
                ProcessTimer.Timing timing =
                        ProcessTimer.time(command, env, app.firstLine(), app.firstCall());
                if (rep >= 0) {
                    firstLine
                            .computeIfAbsent(label, l -> new ArrayList<>())
                            .add(timing.firstLineMillis());
                    firstCall
                            .computeIfAbsent(label, l -> new ArrayList<>())
                            .add(timing.laterLineMillis());
                    exit.computeIfAbsent(label, l -> new ArrayList<>()).add(timing.exitMillis());
                }
            }
        }
        String section = "start-up on Java 8: " + app.name();
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
                        null,
                        null,
                        null));
        if (app.firstCall() != null) {
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
