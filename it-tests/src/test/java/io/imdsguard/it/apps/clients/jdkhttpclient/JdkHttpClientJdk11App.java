package io.imdsguard.it.apps.clients.jdkhttpclient;

import io.imdsguard.it.apps.clients.Calls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * java.net.http's HttpClient (Java 11) as services use it: {@code send}, {@code sendAsync} (whose
 * answer arrives on the client's executor), a relayed request (X-Forwarded-For) and a native v2
 * read with a token of its own. Each call is a method of its own (one call site each) printed by
 * {@link Calls} as {@code name: <status> <body>}, as many times as the first argument says; then
 * {@code done}.
 */
public final class JdkHttpClientJdk11App {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static String endpoint;
    private static String token;

    public static void main(String[] args) {
        endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int reps = Integer.parseInt(args[0]);
        for (int i = 0; i < reps; i++) {
            Calls.print("v1Send", JdkHttpClientJdk11App::v1Send);
            Calls.print("v1SendAsync", JdkHttpClientJdk11App::v1SendAsync);
            Calls.print("v2WithOwnToken", JdkHttpClientJdk11App::v2WithOwnToken);
        }
        Calls.print("relayed", JdkHttpClientJdk11App::relayedV1);
        System.out.println("done");
    }

    static String v1Send() throws Exception {
        return answer(
                CLIENT.send(
                        get("/latest/meta-data/instance-id").build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    static String v1SendAsync() throws Exception {
        return answer(
                CLIENT.sendAsync(
                                get("/latest/meta-data/placement/region").build(),
                                HttpResponse.BodyHandlers.ofString())
                        .get(30, TimeUnit.SECONDS));
    }

    static String relayedV1() throws Exception {
        return answer(
                CLIENT.send(
                        get("/latest/meta-data/local-ipv4")
                                .header("X-Forwarded-For", "203.0.113.7")
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    static String v2WithOwnToken() throws Exception {
        if (token == null) {
            token =
                    CLIENT.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(endpoint + "/latest/api/token"))
                                            .header("X-aws-ec2-metadata-token-ttl-seconds", "300")
                                            .PUT(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
        }
        return answer(
                CLIENT.send(
                        get("/latest/meta-data/ami-id")
                                .header("X-aws-ec2-metadata-token", token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30));
    }

    private static String answer(HttpResponse<String> response) {
        return response.statusCode() + " " + response.body().trim();
    }
}
