package io.imdsguard.bench;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every benchmark and writes the results table: {@code mvn -B -Pbench verify}. Each figure is
 * a ratio against a run without the agent made in the same bench run, interleaved with it.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        // The JDK's HTTP server writes the head and the body of an answer separately; without
        // TCP_NODELAY, Nagle's algorithm and the client's delayed ACK add ~40 ms to each request on
        // a kept-alive connection, which would hide any client-side cost. Read once, before the
        // loopback server and the mock IMDS start.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Files.createDirectories(settings.out());
        Progress.say(
                "imds-guard bench"
                        + (settings.quick()
                                ? " (quick: checks the harness, figures mean little)"
                                : "")
                        + "; logs and results in "
                        + settings.out());
        // -Dbench.sections=startup,footprint runs only those parts (the Maven profile passes all).
        List<String> sections =
                List.of(
                        System.getProperty("bench.sections", "http,imds,startup,footprint")
                                .split(","));
        List<Result> results = new ArrayList<>();
        if (sections.contains("http")) {
            results.addAll(new RequestBench(settings).httpClients());
        }
        if (sections.contains("imds")) {
            results.addAll(new RequestBench(settings).imds());
            results.addAll(new InterleavedRewriteBench(settings).run());
        }
        if (sections.contains("startup")) {
            results.addAll(new StartupBench(settings).run());
        }
        if (sections.contains("startup-java8")) {
            // -Dbench.sections=startup-java8: the start-up section on Java 8 (-Dbench.java8.home,
            // .ci/legacy-jdks).
            String java8 = System.getProperty("bench.java8.home", "");
            if (java8.isEmpty() || !Files.isExecutable(Paths.get(java8, "bin", "java"))) {
                Progress.say(
                        "start-up on Java 8 SKIPPED: no Java 8 at '"
                                + java8
                                + "' (run .ci/legacy-jdks)");
            } else {
                results.addAll(new LegacyStartupBench(settings, Paths.get(java8)).run());
            }
        }
        if (sections.contains("footprint")) {
            results.addAll(new FootprintBench(settings).run());
        }
        if (sections.contains("scan")) {
            // the scan command's throughput on a 100 MB fat jar against inflating it, and its peak
            // RSS
            results.addAll(new ScanBench(settings).run());
        }
        ResultsReport report = new ResultsReport(settings, results);
        report.write();
        System.out.println();
        System.out.println(report.markdownTable());
        Progress.say(
                "done: "
                        + settings.out().resolve("results.md")
                        + ", "
                        + settings.out().resolve("results.json"));
    }
}
