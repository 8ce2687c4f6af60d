package io.imdsguard.it.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A service that finds its metadata service in its own configuration (its first argument), not
 * where the AWS SDKs look: so only the agent's {@code endpoint} key can tell the agent where IMDS
 * is. It makes {@code REPS} v1 reads and one v2 read with a token of its own, printing {@code v1:
 * <status> <body>} and {@code v2: <status> <body>}, then {@code done}.
 *
 * <p>Arguments: {@code ENDPOINT_URL REPS}. Java 8 only.
 */
public final class EndpointArgumentApp {

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int reps = Integer.parseInt(args[1]);
        for (int i = 0; i < reps; i++) {
            System.out.println("v1: " + v1(endpoint));
        }
        System.out.println("v2: " + v2(endpoint));
        System.out.println("done");
    }

    static String v1(String endpoint) {
        try {
            HttpURLConnection c =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
            return answer(c);
        } catch (IOException e) {
            return "FAILED " + e;
        }
    }

    static String v2(String endpoint) {
        try {
            HttpURLConnection put =
                    (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "300");
            put.setDoOutput(true);
            OutputStream none = put.getOutputStream();
            none.close();
            String token = read(put.getInputStream());
            HttpURLConnection c =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-type").openConnection();
            c.setRequestProperty("X-aws-ec2-metadata-token", token);
            return answer(c);
        } catch (IOException e) {
            return "FAILED " + e;
        }
    }

    private static String answer(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        return status + " " + (body == null ? "" : read(body).trim());
    }

    private static String read(InputStream in) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, read);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            in.close();
        }
    }
}
