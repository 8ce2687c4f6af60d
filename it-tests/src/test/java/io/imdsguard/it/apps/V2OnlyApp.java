package io.imdsguard.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A service already moved to IMDSv2: one token, then reads that carry it. Nothing for the agent to
 * report.
 */
public final class V2OnlyApp {

    public static void main(String[] args) throws IOException {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        HttpURLConnection put =
                (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
        put.setRequestMethod("PUT");
        put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "60");
        String token = read(put.getInputStream());
        for (String path :
                new String[] {
                    "/latest/meta-data/instance-id", "/latest/meta-data/placement/region"
                }) {
            HttpURLConnection get = (HttpURLConnection) new URL(endpoint + path).openConnection();
            get.setRequestProperty("X-aws-ec2-metadata-token", token);
            System.out.println(
                    path + ": " + get.getResponseCode() + " " + read(get.getInputStream()));
        }
        System.out.println("done");
    }

    private static String read(InputStream in) throws IOException {
        try (InputStream closing = in) {
            return new String(AppStreams.readAll(in), StandardCharsets.UTF_8);
        }
    }
}
