package io.imdsguard.it.apps.fleet;

import io.imdsguard.it.apps.AppStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** Migrated code: IMDSv2 with a token it fetches once and reuses. */
public final class NativeV2Client {

    private static String token;

    private NativeV2Client() {}

    static synchronized int fetchInstanceType(String endpoint) {
        try {
            if (token == null) {
                HttpURLConnection put =
                        (HttpURLConnection)
                                new URL(endpoint + "/latest/api/token").openConnection();
                put.setRequestMethod("PUT");
                put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "21600");
                try (InputStream body = put.getInputStream()) {
                    token = new String(AppStreams.readAll(body), StandardCharsets.UTF_8).trim();
                }
            }
            HttpURLConnection get =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-type").openConnection();
            get.setRequestProperty("X-aws-ec2-metadata-token", token);
            int status = get.getResponseCode();
            try (InputStream body = status < 400 ? get.getInputStream() : get.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
