package io.imdsguard.it.apps.clients.httpurlconnection;

import io.imdsguard.it.apps.AppStreams;
import io.imdsguard.it.apps.clients.Calls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's HttpURLConnection as services use it: {@code openConnection} and {@code
 * getResponseCode}, {@code URL.openStream}, a relayed request (X-Forwarded-For) and a native v2
 * read with a token of its own. Each call is a method of its own (one call site each) printed by
 * {@link Calls} as {@code name: <status> <body>}, as many times as the first argument says; then
 * {@code done}. Java 8.
 */
public final class HttpUrlConnectionApp {

    private static String endpoint;

    public static void main(String[] args) {
        endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int reps = Integer.parseInt(args[0]);
        for (int i = 0; i < reps; i++) {
            Calls.print("v1GetResponseCode", HttpUrlConnectionApp::v1GetResponseCode);
            Calls.print("v1OpenStream", HttpUrlConnectionApp::v1OpenStream);
            Calls.print("v2WithOwnToken", HttpUrlConnectionApp::v2WithOwnToken);
        }
        Calls.print("relayed", HttpUrlConnectionApp::relayedV1);
        System.out.println("done");
    }

    // Each method asks for the status itself: HttpURLConnection sends the request there, which
    // makes
    // the method the call site, as in application code.
    static String v1GetResponseCode() throws IOException {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        return answer(c, c.getResponseCode());
    }

    static String v1OpenStream() throws IOException {
        // a 401 throws here, as HttpURLConnection does for any status >= 400
        try (InputStream in =
                new URL(endpoint + "/latest/meta-data/placement/region").openStream()) {
            return "200 " + new String(AppStreams.readAll(in), StandardCharsets.UTF_8);
        }
    }

    static String relayedV1() throws IOException {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/local-ipv4").openConnection();
        c.setRequestProperty("X-Forwarded-For", "203.0.113.7");
        return answer(c, c.getResponseCode());
    }

    private static String token;

    static String v2WithOwnToken() throws IOException {
        if (token == null) {
            HttpURLConnection put =
                    (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "300");
            put.setDoOutput(true);
            OutputStream none = put.getOutputStream();
            none.close();
            token = new String(AppStreams.readAll(put.getInputStream()), StandardCharsets.UTF_8);
        }
        HttpURLConnection c =
                (HttpURLConnection) new URL(endpoint + "/latest/meta-data/ami-id").openConnection();
        c.setRequestProperty("X-aws-ec2-metadata-token", token);
        return answer(c, c.getResponseCode());
    }

    private static String answer(HttpURLConnection c, int status) throws IOException {
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        return status
                + " "
                + (body == null
                        ? ""
                        : new String(AppStreams.readAll(body), StandardCharsets.UTF_8).trim());
    }
}
