package io.imdsguard.it.apps.indirect;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@link IndirectRequestsApp} for {@code java.net.http} (JDK 11+), which writes through NIO
 * channels: reads one URL, following redirects ({@code Redirect.NORMAL}), and prints {@code jdk:
 * <status> <body or ->}. An optional second argument is the port of an HTTP proxy on 127.0.0.1 that
 * the client is built with ({@code HttpClient.Builder.proxy(ProxySelector.of(...))}).
 */
public final class IndirectRequestsJdk11App {

    public static void main(String[] args) throws Exception {
        String answer;
        try {
            answer = jdkRead(args[0], args.length > 1 ? Integer.parseInt(args[1]) : -1);
        } catch (java.io.IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println("jdk: " + answer);
        System.out.println("done");
    }

    static String jdkRead(String url, int proxyPort) throws Exception {
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(5));
        if (proxyPort > 0) {
            builder.proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)));
        }
        HttpClient client = builder.build();
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.statusCode()
                + " "
                + (response.statusCode() == 200 ? response.body().trim() : "-");
    }
}
