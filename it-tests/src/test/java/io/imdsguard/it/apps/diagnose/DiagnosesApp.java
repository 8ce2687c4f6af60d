package io.imdsguard.it.apps.diagnose;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A service whose IMDS habits the agent should diagnose, or should not. It finds IMDS through
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, as the SDKs do.
 *
 * <p>Arguments: {@code STEP COUNT [--hold]}, where STEP is
 *
 * <ul>
 *   <li>{@code fallback}: COUNT reads, each fetching a token first and falling back to v1 when that
 *       fails (HttpURLConnection);
 *   <li>{@code churn}: COUNT reads, each with a token fetched for it;
 *   <li>{@code cached}: one token, then COUNT reads with it;
 *   <li>{@code jdk-fallback}: COUNT reads through {@code java.net.http}, each after a token PUT
 *       with a 500 ms timeout, falling back to v1 when it fails.
 * </ul>
 *
 * Each read prints {@code read: <answer>}; then {@code done}. With {@code --hold} it waits for a
 * line on standard input before it exits.
 */
public final class DiagnosesApp {

    private static final String PATH = "/latest/meta-data/instance-id";

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int count = Integer.parseInt(args[1]);
        ImdsReader reader = new ImdsReader(endpoint);
        switch (args[0]) {
            case "fallback":
                {
                    for (int i = 0; i < count; i++) {
                        System.out.println("read: " + reader.readWithFallback(PATH));
                    }
                    break;
                }
            case "churn":
                {
                    for (int i = 0; i < count; i++) {
                        System.out.println("read: " + reader.read(PATH, reader.token()));
                    }
                    break;
                }
            case "cached":
                {
                    String token = reader.token();
                    for (int i = 0; i < count; i++) {
                        System.out.println("read: " + reader.read(PATH, token));
                    }
                    break;
                }
            case "jdk-fallback":
                {
                    for (int i = 0; i < count; i++) {
                        System.out.println(
                                "read: " + JdkImdsReader.readWithFallback(endpoint, PATH));
                    }
                    break;
                }
            default:
                throw new IllegalArgumentException("unknown step " + args[0]);
        }
        System.out.println("done");
        if (args[args.length - 1].equals("--hold")) {
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
    }

    /** The same habit on {@code java.net.http}. */
    static final class JdkImdsReader {
        private static final HttpClient CLIENT =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

        static String readWithFallback(String endpoint, String path) throws Exception {
            String token = null;
            try {
                HttpResponse<String> put =
                        CLIENT.send(
                                HttpRequest.newBuilder(URI.create(endpoint + "/latest/api/token"))
                                        .PUT(HttpRequest.BodyPublishers.noBody())
                                        .header("X-aws-ec2-metadata-token-ttl-seconds", "21600")
                                        .timeout(Duration.ofMillis(500))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (put.statusCode() == 200) {
                    token = put.body();
                }
            } catch (java.io.IOException e) {
                // no token: fall back to v1, as the SDKs do
            }
            HttpRequest.Builder get =
                    HttpRequest.newBuilder(URI.create(endpoint + path))
                            .timeout(Duration.ofSeconds(2));
            if (token != null) {
                get.header("X-aws-ec2-metadata-token", token);
            }
            HttpResponse<String> answer =
                    CLIENT.send(get.build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? answer.body() : "status " + answer.statusCode();
        }
    }
}
