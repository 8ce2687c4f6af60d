package io.imdsguard.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A service that reaches IMDS through every JDK client, v1 and v2, a known number of times, plus
 * one ordinary loopback request that is not IMDS. It finds IMDS the way the AWS SDKs do, through
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}. Each call has its own method, so each is one call
 * site.
 *
 * <p>It runs on Java 8 too, where {@code java.net.http} is absent: then it makes only the
 * HttpURLConnection calls, and takes its token with HttpURLConnection. It reaches java.net.http
 * through {@link JavaNetHttp}, but makes each call in its own method, the call site.
 *
 * <p>Arguments: {@code REPS [PLAIN_URL] [--hold]}.
 */
public final class JdkClientsApp {

    /** java.net.http, or null on Java 8. */
    private static final JavaNetHttp JDK = JavaNetHttp.ifAvailable(Duration.ofSeconds(2));

    private static String token;

    /**
     * Its v1 call sites on a JVM of that feature version: two through HttpURLConnection, two more
     * through java.net.http on 11+.
     */
    public static int v1Sites(int javaFeature) {
        return javaFeature >= 11 ? 4 : 2;
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int reps = Integer.parseInt(args[0]);
        String plainUrl = args.length > 1 && !args[1].startsWith("--") ? args[1] : null;
        boolean hold = args[args.length - 1].equals("--hold");
        for (int i = 0; i < reps; i++) {
            print("v1 HttpURLConnection", () -> v1ViaHttpUrlConnection(endpoint));
            print("v1 URL.openStream", () -> v1ViaOpenStream(endpoint));
            if (JDK != null) {
                print("v1 HttpClient.send", () -> v1ViaHttpClientSend(endpoint));
                print("v1 HttpClient.sendAsync", () -> v1ViaHttpClientSendAsync(endpoint));
                print("v2 HttpClient", () -> v2ViaHttpClient(endpoint));
            }
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
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        return c.getResponseCode() + " " + read(c.getInputStream());
    }

    static String v1ViaOpenStream(String endpoint) throws IOException {
        return read(new URL(endpoint + "/latest/meta-data/placement/region").openStream());
    }

    static String v1ViaHttpClientSend(String endpoint) throws Exception {
        Object request = JDK.get(endpoint + "/latest/meta-data/iam/security-credentials/");
        Object r;
        try {
            r = JDK.send.invoke(JDK.client, request, JDK.ofString);
        } catch (InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
        return JavaNetHttp.status(r) + " " + JavaNetHttp.body(r);
    }

    static String v1ViaHttpClientSendAsync(String endpoint) throws Exception {
        Object request = JDK.get(endpoint + "/latest/dynamic/instance-identity/document");
        Object r;
        try {
            r =
                    ((java.util.concurrent.Future<?>)
                                    JDK.sendAsync.invoke(JDK.client, request, JDK.ofString))
                            .get();
        } catch (InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
        return JavaNetHttp.status(r)
                + " identity document of "
                + JavaNetHttp.body(r).length()
                + " bytes";
    }

    static String v2ViaHttpClient(String endpoint) throws Exception {
        Object request =
                JDK.get(
                        endpoint + "/latest/meta-data/instance-type",
                        "X-aws-ec2-metadata-token",
                        token(endpoint));
        Object r;
        try {
            r = JDK.send.invoke(JDK.client, request, JDK.ofString);
        } catch (InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
        return JavaNetHttp.status(r) + " " + JavaNetHttp.body(r);
    }

    static String v2ViaHttpUrlConnection(String endpoint) throws Exception {
        HttpURLConnection c =
                (HttpURLConnection) new URL(endpoint + "/latest/meta-data/ami-id").openConnection();
        c.setRequestProperty("X-aws-ec2-metadata-token", token(endpoint));
        return c.getResponseCode() + " " + read(c.getInputStream());
    }

    static String plainRequest(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        return String.valueOf(c.getResponseCode());
    }

    /** One token for the whole run, as a well-behaved v2 client keeps it. */
    private static synchronized String token(String endpoint) throws Exception {
        if (token == null && JDK != null) {
            Object request =
                    JDK.put(
                            endpoint + "/latest/api/token",
                            "X-aws-ec2-metadata-token-ttl-seconds",
                            "600");
            try {
                token = JavaNetHttp.body(JDK.send.invoke(JDK.client, request, JDK.ofString));
            } catch (InvocationTargetException e) {
                throw JavaNetHttp.unwrap(e);
            }
        } else if (token == null) {
            HttpURLConnection put =
                    (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "600");
            token = read(put.getInputStream());
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
