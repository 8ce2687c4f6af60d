package io.imdsguard.it.apps.libraries.awssdk;

import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For the tests (not an app): the access key id a mock IMDS hands out, read the v2 way from the
 * test JVM itself (which runs without the agent). Call it after looking at the mock's request log:
 * it adds a token request and two v2 reads to it.
 */
public final class MockRoleCredentials {

    private static final Pattern ACCESS_KEY_ID =
            Pattern.compile("\"AccessKeyId\"\\s*:\\s*\"([^\"]+)\"");

    private MockRoleCredentials() {}

    public static String accessKeyId(MockImds mock) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String token =
                http.send(
                                HttpRequest.newBuilder(
                                                URI.create(mock.endpoint() + "/latest/api/token"))
                                        .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
                                        .PUT(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        String base = mock.endpoint() + "/latest/meta-data/iam/security-credentials/";
        String role = get(http, base, token).trim();
        Matcher m = ACCESS_KEY_ID.matcher(get(http, base + role, token));
        if (!m.find()) {
            throw new IllegalStateException("no AccessKeyId in the mock's credentials");
        }
        return m.group(1);
    }

    private static String get(HttpClient http, String url, String token)
            throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("X-aws-ec2-metadata-token", token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
