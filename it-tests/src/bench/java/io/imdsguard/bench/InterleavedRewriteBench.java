package io.imdsguard.bench;

import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewritten v1 reads against the application's own v2 reads, in alternating blocks inside one JVM
 * with the agent in rewrite mode ({@link InterleavedReadsApp}), in a few JVMs. Separate forks with
 * and without the agent (the JMH rows) differ by tens of percent from fork to fork on loopback; a
 * pair of blocks from the same JVM and the same moment differs by what the agent does to a v1 call.
 */
final class InterleavedRewriteBench {

    private static final Pattern PAIR =
            Pattern.compile(
                    "pair native=([0-9.]+) rewritten=([0-9.]+) nativeCpu=([0-9.]+) rewrittenCpu=([0-9.]+)");

    private final BenchSettings settings;

    InterleavedRewriteBench(BenchSettings settings) {
        this.settings = settings;
    }

    List<Result> run() throws Exception {
        int jvms = settings.quick() ? 1 : 3;
        int reads = settings.quick() ? 100 : 500;
        int warmUpSeconds = settings.quick() ? 1 : 10;
        int rounds = settings.quick() ? 3 : 20;
        List<Double> nativeLatency = new ArrayList<>();
        List<Double> rewrittenLatency = new ArrayList<>();
        List<Double> nativeCpu = new ArrayList<>();
        List<Double> rewrittenCpu = new ArrayList<>();
        try (MockImds imds = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            Progress.say("imds, interleaved: warming the mock IMDS");
            ServerWarmUp.get(
                    imds.endpoint() + "/latest/meta-data/instance-id",
                    ServerWarmUp.token(imds.endpoint()));
            for (int jvm = 1; jvm <= jvms; jvm++) {
                Progress.say(
                        "imds, interleaved: JVM "
                                + jvm
                                + "/"
                                + jvms
                                + ", "
                                + warmUpSeconds
                                + " s warm-up, "
                                + rounds
                                + " rounds of "
                                + reads
                                + " rewritten and "
                                + reads
                                + " native reads");
                Path log = settings.out().resolve("interleaved-rewrite-jvm" + jvm + ".log");
                for (String line : runApp(imds.endpoint(), reads, warmUpSeconds, rounds, log)) {
                    Matcher pair = PAIR.matcher(line);
                    if (pair.matches()) {
                        nativeLatency.add(Double.parseDouble(pair.group(1)));
                        rewrittenLatency.add(Double.parseDouble(pair.group(2)));
                        nativeCpu.add(Double.parseDouble(pair.group(3)));
                        rewrittenCpu.add(Double.parseDouble(pair.group(4)));
                    }
                }
            }
        }
        String how =
                jvms
                        + " JVM(s) × "
                        + rounds
                        + " pairs of blocks of "
                        + reads
                        + " reads, after "
                        + warmUpSeconds
                        + " s of warm-up; both kinds in the same JVM, with the agent attached";
        List<Result> results = new ArrayList<>();
        results.add(
                Result.of(
                        "IMDS read (mock IMDS, loopback)",
                        "v1 GET rewritten to v2, interleaved in one JVM with the application's own v2 reads",
                        "v2 read by the application (its own token)",
                        nativeLatency,
                        "v1 read, rewritten",
                        rewrittenLatency,
                        "µs/op",
                        "≤ 1.05",
                        1.05,
                        how));
        results.add(
                Result.of(
                        "IMDS read (mock IMDS, loopback)",
                        "calling thread's CPU per read, interleaved in one JVM",
                        "v2 read by the application (its own token)",
                        nativeCpu,
                        "v1 read, rewritten",
                        rewrittenCpu,
                        "µs CPU/op",
                        null,
                        null,
                        "what the agent adds to a v1 call: " + how));
        return results;
    }

    private List<String> runApp(String endpoint, int reads, int warmUpSeconds, int rounds, Path log)
            throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                List.of(
                        java,
                        settings.agentOption()
                                + "=mode=rewrite,rewrite.callers=io.imdsguard.bench.,endpoint="
                                + endpoint,
                        "-cp",
                        System.getProperty("java.class.path"),
                        InterleavedReadsApp.class.getName(),
                        endpoint,
                        Integer.toString(reads),
                        Integer.toString(warmUpSeconds),
                        Integer.toString(rounds));
        Process process =
                ProcessTimer.withoutAgentSettings(new ProcessBuilder(command))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(
                    "the interleaved reads did not finish within 10 minutes; see " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        long pairs = lines.stream().filter(line -> PAIR.matcher(line).matches()).count();
        if (process.exitValue() != 0 || pairs != rounds) {
            throw new IOException(
                    "the interleaved reads failed (exit "
                            + process.exitValue()
                            + ", "
                            + pairs
                            + " of "
                            + rounds
                            + " rounds); see "
                            + log);
        }
        return lines;
    }
}
