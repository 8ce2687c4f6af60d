package io.imdsguard.it.apps.clients.socket;

import io.imdsguard.it.apps.AppStreams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * Hand-written HTTP over a plain socket, the kind of code no client instrumentation knows: a v1
 * read, a v2 session (token PUT, then a read with the token), then one read each through
 * HttpURLConnection, Apache HttpClient 4 and 5 and OkHttp, which must be reported as those clients,
 * not a second time as socket, and a last raw v1 read on the same thread, which must still be seen.
 */
public final class RawSocketApp {

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
        int reps = Integer.parseInt(args[0]);
        for (int i = 0; i < reps; i++) {
            System.out.println("raw v1: " + statusAndBody(v1Read(endpoint)));
        }
        String token =
                body(
                        exchange(
                                endpoint,
                                "PUT /latest/api/token HTTP/1.1\r\nHost: imds\r\n"
                                        + "X-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        System.out.println(
                "raw v2: "
                        + statusAndBody(
                                exchange(
                                        endpoint,
                                        "GET /latest/meta-data/ami-id HTTP/1.1\r\n"
                                                + "Host: imds\r\nX-aws-ec2-metadata-token: "
                                                + token
                                                + "\r\nConnection: close\r\n\r\n")));
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-type").openConnection();
        System.out.println("huc v1: " + c.getResponseCode());
        try (CloseableHttpClient client = HttpClients.createDefault();
                CloseableHttpResponse response =
                        client.execute(new HttpGet(endpoint + "/latest/meta-data/hostname"))) {
            System.out.println("apache4 v1: " + response.getStatusLine().getStatusCode());
        }
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
            int status =
                    client.execute(
                            new org.apache.hc.client5.http.classic.methods.HttpGet(
                                    endpoint + "/latest/meta-data/local-hostname"),
                            response -> response.getCode());
            System.out.println("apache5 v1: " + status);
        }
        okhttp3.OkHttpClient okHttp = new okhttp3.OkHttpClient();
        try (okhttp3.Response response =
                okHttp.newCall(
                                new okhttp3.Request.Builder()
                                        .url(endpoint + "/latest/meta-data/placement/region")
                                        .build())
                        .execute()) {
            System.out.println("okhttp v1: " + response.code());
        }
        System.out.println("raw v1 after the clients: " + statusAndBody(v1Read(endpoint)));
        System.out.println("done");
    }

    static String v1Read(URI endpoint) throws IOException {
        return exchange(
                endpoint,
                "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\nConnection: close\r\n\r\n");
    }

    /**
     * Writes the request in two pieces, as hand-written code often does, and reads the whole
     * answer.
     */
    static String exchange(URI endpoint, String request) throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes, 0, 10);
            out.write(bytes, 10, bytes.length - 10);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            AppStreams.transfer(in, answer);
            return new String(answer.toByteArray(), StandardCharsets.ISO_8859_1);
        }
    }

    static String statusAndBody(String response) {
        return response.substring(9, 12) + " " + body(response);
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4).trim();
    }
}
