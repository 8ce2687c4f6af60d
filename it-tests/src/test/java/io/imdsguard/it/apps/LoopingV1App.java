package io.imdsguard.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A running legacy service that was started without the agent: it reads IMDS with v1 calls through
 * HttpURLConnection and java.net.http, round after round, until its standard input closes or says
 * {@code quit}. After each round it prints {@code round N huc=<status> jdk=<status>}, so a test
 * knows how far it got and what each call returned. Arguments: the pause between rounds in
 * milliseconds (default 100), and how many rounds to make before it prints {@code idle} and only
 * waits (default 0: no end).
 */
public final class LoopingV1App {

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        long pauseMillis = args.length > 0 ? Long.parseLong(args[0]) : 100;
        long rounds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Thread stopper =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // 'quit' or end of input both stop the loop
                                }
                            } catch (Exception ignored) {
                                // end of input
                            }
                            System.exit(0);
                        },
                        "stdin-watch");
        stopper.setDaemon(true);
        stopper.start();
        for (long round = 1; rounds == 0 || round <= rounds; round++) {
            String huc = viaHttpUrlConnection(endpoint);
            String jdk = viaHttpClient(client, endpoint);
            System.out.println("round " + round + " huc=" + huc + " jdk=" + jdk);
            Thread.sleep(pauseMillis);
        }
        System.out.println("idle");
        Thread.sleep(Long.MAX_VALUE);
    }

    static String viaHttpUrlConnection(String endpoint) {
        try {
            HttpURLConnection c =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
            int status = c.getResponseCode();
            try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return String.valueOf(status);
        } catch (Exception e) {
            return "FAILED(" + e.getClass().getSimpleName() + ")";
        }
    }

    static String viaHttpClient(HttpClient client, String endpoint) {
        try {
            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(
                                            URI.create(endpoint + "/latest/meta-data/ami-id"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return String.valueOf(response.statusCode());
        } catch (Exception e) {
            return "FAILED(" + e.getClass().getSimpleName() + ")";
        }
    }
}
