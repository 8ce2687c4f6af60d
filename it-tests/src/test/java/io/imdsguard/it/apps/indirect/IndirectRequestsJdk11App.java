package io.imdsguard.it.apps.indirect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@link IndirectRequestsApp} for {@code java.net.http} (JDK 11+), which writes through NIO channels:
 * reads one URL, following redirects ({@code Redirect.NORMAL}), and prints
 * {@code jdk: <status> <body or ->}.
 */
public final class IndirectRequestsJdk11App {

    public static void main(String[] args) throws Exception {
        String answer;
        try {
            answer = jdkRead(args[0]);
        } catch (java.io.IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println("jdk: " + answer);
        System.out.println("done");
    }

    static String jdkRead(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + (response.statusCode() == 200 ? response.body().trim() : "-");
    }
}
