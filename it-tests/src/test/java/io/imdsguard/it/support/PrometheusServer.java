package io.imdsguard.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus} package), on loopback, scraping the given
 * targets every second and evaluating the given rule files, queried through its HTTP API as Grafana
 * would.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final String baseUrl;

    private PrometheusServer(Process process, Path log, String baseUrl) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    /** The Prometheus binary on this machine, if there is one. */
    public static Optional<Path> binary() {
        for (String dir :
                (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
                        .split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static PrometheusServer start(
            Path binary, Path workDir, List<String> targets, List<Path> ruleFiles)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(
                config,
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        + "rule_files:\n"
                        + ruleFiles.stream()
                                .map(p -> "  - '" + p.toAbsolutePath() + "'\n")
                                .collect(Collectors.joining())
                        + "scrape_configs:\n  - job_name: imds-guard\n    static_configs:\n      - targets: ["
                        + targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))
                        + "]\n");
        int port = FreePort.find();
        Path log = workDir.resolve("prometheus.log");
        Process process =
                new ProcessBuilder(
                                binary.toString(),
                                "--config.file=" + config,
                                "--storage.tsdb.path=" + workDir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + port)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited at start:\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus was not ready within 60 s:\n" + log());
    }

    /**
     * The result vector of an instant query: each element has {@code metric} (labels) and {@code
     * value}.
     */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode answer =
                api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return answer.get("data").get("result");
    }

    /**
     * {@code /api/v1/rules}, {@code /api/v1/alerts}, {@code /api/v1/targets}: the {@code data}
     * part.
     */
    public JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new AssertionError(
                    "Prometheus answered "
                            + response.statusCode()
                            + " to "
                            + pathAndQuery
                            + ": "
                            + response.body());
        }
        return answer;
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "prometheus (pid " + process.pid() + ") did not end when killed");
            }
        }
    }
}
