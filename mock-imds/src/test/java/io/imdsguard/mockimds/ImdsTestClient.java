package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain JDK HTTP client for the tests; HTTP/1.1 only because IMDS speaks nothing else. */
final class ImdsTestClient {

    static final String TOKEN = "X-aws-ec2-metadata-token";
    static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String XFF = "X-Forwarded-For";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
    private final String endpoint;

    ImdsTestClient(MockImds imds) {
        this.endpoint = imds.endpoint();
    }

    HttpRequest request(String method, String path, Duration timeout, String... headerPairs) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(endpoint + path))
                        .timeout(timeout)
                        .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return b.build();
    }

    HttpResponse<String> send(String method, String path, String... headerPairs)
            throws IOException, InterruptedException {
        return http.send(
                request(method, path, DEFAULT_TIMEOUT, headerPairs),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headerPairs)
            throws IOException, InterruptedException {
        return send("GET", path, headerPairs);
    }

    HttpResponse<String> getWithToken(String path, String token)
            throws IOException, InterruptedException {
        return get(path, TOKEN, token);
    }

    HttpResponse<String> putToken(String ttl) throws IOException, InterruptedException {
        return ttl == null
                ? send("PUT", "/latest/api/token")
                : send("PUT", "/latest/api/token", TTL, ttl);
    }

    /** Fetches a token, failing the test if the mock refuses. */
    String token(int ttlSeconds) throws IOException, InterruptedException {
        HttpResponse<String> r = putToken(Integer.toString(ttlSeconds));
        assertEquals(200, r.statusCode(), "token PUT");
        return r.body();
    }

    String token() throws IOException, InterruptedException {
        return token(21_600);
    }

    /**
     * Reads a string member of the flat JSON the mock writes; enough for tests without a JSON
     * library.
     */
    static String jsonString(String json, String key) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"([^\"]*)\"")
                        .matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
