package io.imdsguard.it.apps.fleet;

import io.imdsguard.it.apps.AppStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * What an AWS SDK does: try IMDSv2, and when the token PUT gets no answer (inside a container on an
 * instance whose hop limit is 1), fall back to IMDSv1 — the hop-limit trap.
 */
public final class LegacySdkFetcher {

    private LegacySdkFetcher() {}

    static int fetchAvailabilityZone(String endpoint) {
        try {
            String token = null;
            try {
                HttpURLConnection put =
                        (HttpURLConnection)
                                new URL(endpoint + "/latest/api/token").openConnection();
                put.setRequestMethod("PUT");
                put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "21600");
                put.setConnectTimeout(300);
                put.setReadTimeout(300);
                try (InputStream body = put.getInputStream()) {
                    token =
                            new String(
                                            AppStreams.readAll(body),
                                            java.nio.charset.StandardCharsets.UTF_8)
                                    .trim();
                }
            } catch (IOException noToken) {
                // fall back to IMDSv1, as the SDKs do
            }
            HttpURLConnection get =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/placement/availability-zone")
                                    .openConnection();
            if (token != null) {
                get.setRequestProperty("X-aws-ec2-metadata-token", token);
            }
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
