package io.imdsguard.it.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * What an SSRF attacker makes a service request: IMDSv1 paths with markup, an encoded and a raw
 * CR/LF followed by a fake log line, and a very long path, through HttpURLConnection and through
 * hand-written HTTP on a plain socket. Each call's outcome is printed; failures are expected (the
 * JDK or IMDS may refuse such a path) and are not errors of the app.
 */
public final class HostilePathsApp {

    public static final String SCRIPT = "/latest/meta-data/<script>alert(1)</script>";
    public static final String ENCODED_CRLF = "/latest/meta-data/%0d%0aFAKE-LOG-LINE";
    public static final String RAW_CRLF = "/latest/meta-data/x\r\nFAKE-LOG-LINE";
    public static final String SOCKET_SCRIPT = "/latest/meta-data/socket<script>alert(2)</script>";
    public static final String SOCKET_RAW_LF = "/latest/meta-data/y\nFAKE-LOG-LINE";
    public static final String LONG =
            "/latest/meta-data/" + new String(new char[20_000]).replace('\0', 'A');

    public static void main(String[] args) {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        // Each request from a line of its own: a call site is the frame that makes the request, and
        // the report keeps the path of a site's first call only.
        print(
                "huc script",
                () ->
                        String.valueOf(
                                ((HttpURLConnection) new URL(endpoint + SCRIPT).openConnection())
                                        .getResponseCode()));
        print(
                "huc encoded crlf",
                () ->
                        String.valueOf(
                                ((HttpURLConnection)
                                                new URL(endpoint + ENCODED_CRLF).openConnection())
                                        .getResponseCode()));
        print(
                "huc raw crlf",
                () ->
                        String.valueOf(
                                ((HttpURLConnection) new URL(endpoint + RAW_CRLF).openConnection())
                                        .getResponseCode()));
        print(
                "huc long",
                () ->
                        String.valueOf(
                                ((HttpURLConnection) new URL(endpoint + LONG).openConnection())
                                        .getResponseCode()));
        print("socket script", () -> socketScript(endpoint));
        print("socket raw lf", () -> socketRawLf(endpoint));
        System.out.println("done");
    }

    interface Call {
        String call() throws Exception;
    }

    private static void print(String what, Call call) {
        String result;
        try {
            result = call.call();
        } catch (Exception e) {
            result = "failed " + e.getClass().getName();
        }
        System.out.println(what + ": " + result);
    }

    static String socketScript(String endpoint) throws IOException {
        URI uri = URI.create(endpoint);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write(head(SOCKET_SCRIPT));
            return answer(socket);
        }
    }

    static String socketRawLf(String endpoint) throws IOException {
        URI uri = URI.create(endpoint);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write(head(SOCKET_RAW_LF));
            return answer(socket);
        }
    }

    private static byte[] head(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: imds\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        AppStreams.transfer(in, answer);
        String text = new String(answer.toByteArray(), StandardCharsets.ISO_8859_1);
        return text.length() >= 12 ? text.substring(9, 12) : "no answer";
    }
}
