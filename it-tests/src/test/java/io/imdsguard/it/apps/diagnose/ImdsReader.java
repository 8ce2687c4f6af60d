package io.imdsguard.it.apps.diagnose;

import io.imdsguard.it.apps.AppStreams;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written IMDS client of the kind services carry around, on {@code HttpURLConnection}: it
 * fetches a token (short timeouts, like the AWS SDKs) and reads with it, or, when the token cannot
 * be had, falls back to IMDSv1 as the SDKs do.
 */
public final class ImdsReader {

    private final String endpoint;

    public ImdsReader(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * {@code PUT /latest/api/token}; throws when it fails (timeout, refused, or an error status).
     */
    public String token() throws IOException {
        HttpURLConnection c =
                (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
        c.setRequestMethod("PUT");
        c.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        c.setConnectTimeout(1000);
        c.setReadTimeout(500);
        if (c.getResponseCode() != 200) {
            throw new IOException("token PUT answered " + c.getResponseCode());
        }
        return body(c.getInputStream());
    }

    /** A read with the token, or without it (v1) when {@code token} is null. */
    public String read(String path, String token) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint + path).openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        if (token != null) {
            c.setRequestProperty("X-aws-ec2-metadata-token", token);
        }
        int status = c.getResponseCode();
        return status == 200 ? body(c.getInputStream()) : "status " + status;
    }

    /** What the SDKs do: v2 if a token can be had, else v1. */
    public String readWithFallback(String path) throws IOException {
        String token;
        try {
            token = token();
        } catch (IOException e) {
            token = null;
        }
        return read(path, token);
    }

    static String body(InputStream in) throws IOException {
        try (InputStream closing = in) {
            return new String(AppStreams.readAll(in), StandardCharsets.UTF_8).trim();
        }
    }
}
