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
 * A legacy service driven step by step from standard input, so that a test can change the mock IMDS
 * between two calls. Commands: {@code huc}, {@code jdk}, {@code huc-xff}, {@code jdk-xff}, {@code
 * quit}. Each call prints {@code <command>: <status> <body>} and then {@code ok}.
 *
 * <p>It runs on Java 8 too: java.net.http ({@code jdk}, {@code jdk-xff}) through {@link
 * JavaNetHttp}, and on Java 8, where it is absent, those two commands answer {@code FAILED no
 * java.net.http}.
 */
public final class StepApp {

    /** java.net.http, or null on Java 8. */
    private static final JavaNetHttp CLIENT = JavaNetHttp.ifAvailable(Duration.ofSeconds(5));

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String command;
        while ((command = in.readLine()) != null && !command.equals("quit")) {
            String result;
            try {
                result = answer(command, endpoint);
            } catch (Exception e) {
                result = "FAILED " + e;
            }
            System.out.println(command + ": " + result);
            System.out.println("ok");
        }
    }

    private static String answer(String command, String endpoint) throws Exception {
        switch (command) {
            case "huc":
                return viaHttpUrlConnection(endpoint, false);
            case "huc-xff":
                return viaHttpUrlConnection(endpoint, true);
            case "jdk":
                return viaHttpClient(endpoint, false);
            case "jdk-xff":
                return viaHttpClient(endpoint, true);
            default:
                return "unknown command";
        }
    }

    static String viaHttpUrlConnection(String endpoint, boolean forwarded) throws IOException {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        if (forwarded) {
            c.setRequestProperty("X-Forwarded-For", "203.0.113.7");
        }
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        return status
                + " "
                + (body == null
                        ? ""
                        : new String(AppStreams.readAll(body), StandardCharsets.UTF_8).trim());
    }

    static String viaHttpClient(String endpoint, boolean forwarded) throws Exception {
        if (CLIENT == null) {
            return "FAILED no java.net.http on Java "
                    + System.getProperty("java.specification.version");
        }
        String url = endpoint + "/latest/meta-data/instance-id";
        Object request =
                forwarded ? CLIENT.get(url, "X-Forwarded-For", "203.0.113.7") : CLIENT.get(url);
        Object response;
        try {
            response = CLIENT.send.invoke(CLIENT.client, request, CLIENT.ofString);
        } catch (InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
        return JavaNetHttp.status(response) + " " + JavaNetHttp.body(response).trim();
    }
}
