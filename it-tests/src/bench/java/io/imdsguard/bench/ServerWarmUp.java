package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Warms a server that runs in this process (the loopback server, the mock IMDS) before the first
 * measured fork. Otherwise the first fork of a round meets a server the JIT has not compiled yet,
 * and whichever configuration runs first looks slower: in a quiet run the agent's forks came out 12
 * to 30 % faster than the forks without it, which is the server warming up, not the agent.
 */
final class ServerWarmUp {

    static final int REQUESTS = 20_000;

    private ServerWarmUp() {}

    /**
     * @param token the IMDSv2 token to send, or null
     */
    static void get(String url, String token) throws IOException {
        URL target = new URL(url);
        for (int i = 0; i < REQUESTS; i++) {
            HttpURLConnection connection = (HttpURLConnection) target.openConnection();
            if (token != null) {
                connection.setRequestProperty("X-aws-ec2-metadata-token", token);
            }
            connection.getResponseCode();
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        }
    }

    static String token(String endpoint) throws IOException {
        return token(endpoint, 60);
    }

    static String token(String endpoint, int ttlSeconds) throws IOException {
        HttpURLConnection put =
                (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
        put.setRequestMethod("PUT");
        put.setRequestProperty(
                "X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(ttlSeconds));
        try (InputStream in = put.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
    }
}
