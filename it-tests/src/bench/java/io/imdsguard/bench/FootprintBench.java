package io.imdsguard.bench;

import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory the agent adds to a small application that has made IMDS reads, and the agent jar's size.
 */
final class FootprintBench {

    private static final Pattern LINE =
            Pattern.compile(
                    "footprint heap=(\\d+) metaspace=(\\d+) classes=(\\d+) threads=(\\d+) nmtCommitted=(-?\\d+)");
    private static final String[] MEASURES = {
        "live heap after full GC",
        "metaspace used",
        "loaded classes",
        "threads",
        "NMT committed (all native memory)"
    };
    private static final String[] UNITS = {"MB", "MB", "classes", "threads", "MB"};

    private final BenchSettings settings;

    FootprintBench(BenchSettings settings) {
        this.settings = settings;
    }

    List<Result> run() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        Map<String, Map<Integer, List<Double>>> values = new LinkedHashMap<>();
        try (MockImds imds = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Map<String, List<String>> agents = new LinkedHashMap<>();
            agents.put("no agent", List.of());
            agents.put(
                    "imds-guard", List.of(settings.agentOption() + "=endpoint=" + imds.endpoint()));
            for (int rep = 0; rep < settings.footprintRepetitions(); rep++) {
                Progress.say(
                        "footprint: repetition "
                                + (rep + 1)
                                + "/"
                                + settings.footprintRepetitions());
                for (Map.Entry<String, List<String>> agent : agents.entrySet()) {
                    List<String> command = new ArrayList<>();
                    command.add(java);
                    command.add("-XX:NativeMemoryTracking=summary");
                    command.add("-Xmx256m");
                    command.addAll(agent.getValue());
                    command.addAll(
                            List.of(
                                    "-cp",
                                    classPath,
                                    FootprintApp.class.getName(),
                                    imds.endpoint()));
                    Matcher line = measure(command);
                    Map<Integer, List<Double>> byMeasure =
                            values.computeIfAbsent(agent.getKey(), k -> new LinkedHashMap<>());
                    for (int i = 0; i < MEASURES.length; i++) {
                        double raw = Double.parseDouble(line.group(i + 1));
                        double value = UNITS[i].equals("MB") ? raw / (1024.0 * 1024.0) : raw;
                        byMeasure.computeIfAbsent(i, k -> new ArrayList<>()).add(value);
                    }
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < MEASURES.length; i++) {
            List<Double> none = values.get("no agent").get(i);
            List<Double> guard = values.get("imds-guard").get(i);
            double added = Stats.median(guard) - Stats.median(none);
            results.add(
                    Result.of(
                            "footprint (small app after IMDS reads)",
                            MEASURES[i],
                            "no agent",
                            none,
                            "imds-guard report",
                            guard,
                            UNITS[i],
                            null,
                            null,
                            String.format(
                                    Locale.ROOT, "adds %s %s", Result.number(added), UNITS[i])));
        }
        double jarMb = Files.size(settings.agentJar()) / (1024.0 * 1024.0);
        results.add(
                new Result(
                        "footprint (small app after IMDS reads)",
                        "agent jar size",
                        "",
                        Double.NaN,
                        "imds-guard-agent.jar",
                        jarMb,
                        "MB",
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        1,
                        null,
                        null,
                        "Byte Buddy and Micrometer shaded in"));
        return results;
    }

    private static Matcher measure(List<String> command) throws Exception {
        Process process =
                ProcessTimer.withoutAgentSettings(new ProcessBuilder(command))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        String out =
                new String(
                        process.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor();
        Matcher line = LINE.matcher(out);
        if (process.exitValue() != 0 || !line.find()) {
            throw new IllegalStateException(
                    "footprint app failed (exit " + process.exitValue() + "): " + out);
        }
        return line;
    }
}
