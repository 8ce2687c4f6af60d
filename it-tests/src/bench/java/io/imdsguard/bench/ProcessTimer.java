package io.imdsguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Whole-process timings of a JVM, taken from outside: from just before the process is started to
 * the first line of the application's own output, and to the process's exit.
 */
final class ProcessTimer {

    /**
     * @param laterLineMillis to the first line {@code laterLine} accepts; NaN when it was not asked
     *     for
     */
    record Timing(
            double firstLineMillis, double laterLineMillis, double exitMillis, String firstLine) {}

    private ProcessTimer() {}

    /**
     * No agent, OpenTelemetry or IMDS setting of the caller's environment reaches the measured JVM.
     */
    static ProcessBuilder withoutAgentSettings(ProcessBuilder builder) {
        builder.environment()
                .keySet()
                .removeIf(
                        key ->
                                key.startsWith("OTEL_")
                                        || key.startsWith("IMDS_GUARD_")
                                        || key.equals("JAVA_TOOL_OPTIONS")
                                        || key.equals("JDK_JAVA_OPTIONS")
                                        || key.equals("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
        return builder;
    }

    /**
     * @param firstLine accepts the application's first line of its own output
     * @param laterLine accepts a line that marks a later point of interest (e.g. the first HTTP
     *     answer); may be null
     */
    static Timing time(
            List<String> command,
            Map<String, String> environment,
            Predicate<String> firstLine,
            Predicate<String> laterLine)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                withoutAgentSettings(new ProcessBuilder(command))
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        long first = -1;
        long later = -1;
        String seen = null;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (first < 0 && firstLine.test(line)) {
                    first = System.nanoTime();
                    seen = line;
                }
                if (later < 0 && laterLine != null && laterLine.test(line)) {
                    later = System.nanoTime();
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("did not exit within 120 s: " + command);
        }
        long end = System.nanoTime();
        if (first < 0) {
            throw new IOException(
                    "exit " + process.exitValue() + " without the expected first line: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + command);
        }
        if (laterLine != null && later < 0) {
            throw new IOException(
                    "exit " + process.exitValue() + " without the expected later line: " + command);
        }
        return new Timing(
                (first - start) / 1e6,
                later < 0 ? Double.NaN : (later - start) / 1e6,
                (end - start) / 1e6,
                seen);
    }
}
