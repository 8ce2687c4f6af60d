package io.imdsguard.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A service that reaches IMDS through every JDK client, v1 and v2, a known number of times, plus
 * one ordinary loopback request that is not IMDS. It finds IMDS the way the AWS SDKs do, through
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}. Each call has its own method, so each is one call site.
 *
 * <p>Arguments: {@code REPS [PLAIN_URL] [--hold]}.
 */
public final class JdkClientsApp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static String token;

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int reps = Integer.parseInt(args[0]);
        String plainUrl = args.length > 1 && !args[1].startsWith("--") ? args[1] : null;
        boolean hold = args[args.length - 1].equals("--hold");
        for (int i = 0; i < reps; i++) {
            print("v1 HttpURLConnection", () -> v1ViaHttpUrlConnection(endpoint));
            print("v1 URL.openStream", () -> v1ViaOpenStream(endpoint));
            print("v1 HttpClient.send", () -> v1ViaHttpClientSend(endpoint));
            print("v1 HttpClient.sendAsync", () -> v1ViaHttpClientSendAsync(endpoint));
            print("v2 HttpClient", () -> v2ViaHttpClient(endpoint));
            print("v2 HttpURLConnection", () -> v2ViaHttpUrlConnection(endpoint));
            if (plainUrl != null) {
                print("plain loopback", () -> plainRequest(plainUrl));
            }
        }
        System.out.println("done");
        if (hold) {
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
    }

    static String v1ViaHttpUrlConnection(String endpoint) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        return c.getResponseCode() + " " + read(c.getInputStream());
    }

    static String v1ViaOpenStream(String endpoint) throws IOException {
        return read(new URL(endpoint + "/latest/meta-data/placement/region").openStream());
    }

    static String v1ViaHttpClientSend(String endpoint) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(endpoint
                + "/latest/meta-data/iam/security-credentials/")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    static String v1ViaHttpClientSendAsync(String endpoint) throws Exception {
        HttpResponse<String> r = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(endpoint
                + "/latest/dynamic/instance-identity/document")).build(), HttpResponse.BodyHandlers.ofString()).get();
        return r.statusCode() + " identity document of " + r.body().length() + " bytes";
    }

    static String v2ViaHttpClient(String endpoint) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(endpoint
                        + "/latest/meta-data/instance-type")).header("X-aws-ec2-metadata-token", token(endpoint)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    static String v2ViaHttpUrlConnection(String endpoint) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint + "/latest/meta-data/ami-id").openConnection();
        c.setRequestProperty("X-aws-ec2-metadata-token", token(endpoint));
        return c.getResponseCode() + " " + read(c.getInputStream());
    }

    static String plainRequest(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        return String.valueOf(c.getResponseCode());
    }

    /** One token for the whole run, as a well-behaved v2 client keeps it. */
    private static synchronized String token(String endpoint) throws Exception {
        if (token == null) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(endpoint + "/latest/api/token"))
                    .PUT(HttpRequest.BodyPublishers.noBody()).header("X-aws-ec2-metadata-token-ttl-seconds", "600")
                    .build(), HttpResponse.BodyHandlers.ofString());
            token = r.body();
        }
        return token;
    }

    private static String read(InputStream in) throws IOException {
        try (InputStream closing = in) {
            return new String(AppStreams.readAll(in), StandardCharsets.UTF_8);
        }
    }

    /** One line per call: its result, or how it failed, as the application would log it. */
    private static void print(String what, java.util.concurrent.Callable<String> call) {
        String result;
        try {
            result = call.call();
        } catch (Exception e) {
            result = "FAILED " + e;
        }
        System.out.println(what + ": " + result.replace('\n', ' ').trim());
    }
}
