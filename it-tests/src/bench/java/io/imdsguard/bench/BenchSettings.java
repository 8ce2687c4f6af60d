package io.imdsguard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What the Maven profile hands the driver, and how long each part runs (a quick mode checks the
 * harness).
 */
record BenchSettings(
        Path agentJar, Path demoJar, Path otelJar, String otelVersion, Path out, boolean quick) {

    static BenchSettings fromSystemProperties() {
        BenchSettings settings =
                new BenchSettings(
                        path("bench.agent.jar"),
                        path("bench.demo.jar"),
                        path("bench.otel.jar"),
                        System.getProperty("bench.otel.version", "?"),
                        path("bench.out"),
                        Boolean.getBoolean("bench.quick"));
        for (Path jar : new Path[] {settings.agentJar, settings.demoJar, settings.otelJar}) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(
                        jar + " is missing; run the bench through mvn -B -Pbench verify");
            }
        }
        return settings;
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "system property " + property + " is not set; run mvn -B -Pbench verify");
        }
        return Paths.get(value).toAbsolutePath().normalize();
    }

    /*
     * Warm-up long enough for steady state: with 3 s, a loopback read was still getting faster through
     * the measured iterations (400 → 150 µs), more slowly with the agent, whose woven methods and own
     * code the JIT compiles too; that measured warm-up, not a call. A 20 s fork settled after about
     * 5 s without the agent and 5 to 12 s with it.
     */
    JmhRounds.Timing httpTiming() {
        return quick ? new JmhRounds.Timing(1, 1, 1) : new JmhRounds.Timing(8, 4, 1);
    }

    JmhRounds.Timing imdsTiming() {
        return quick ? new JmhRounds.Timing(1, 1, 1) : new JmhRounds.Timing(12, 4, 1);
    }

    int jmhRounds() {
        return quick ? 1 : 3;
    }

    int startupRepetitions() {
        return quick ? 2 : Integer.getInteger("bench.startup.repetitions", 10);
    }

    int footprintRepetitions() {
        return quick ? 1 : 3;
    }

    int generatedClasses() {
        return 5000;
    }

    String agentOption() {
        return "-javaagent:" + agentJar;
    }
}
