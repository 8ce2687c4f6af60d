package io.imdsguard.demo.legacy;

import io.imdsguard.demo.ImdsHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Hand-written credential fetching with java.net.http, but still v1: the pattern an SSRF attack
 * exploits to steal role credentials.
 */
public final class LegacyCredentialsFetcher {

    private final String endpoint;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LegacyCredentialsFetcher(String endpoint) {
        this.endpoint = endpoint;
    }

    /** The role name, then the role's credentials: two v1 calls from two places. */
    public String accessKeyId() throws IOException, InterruptedException {
        String role = get("/latest/meta-data/iam/security-credentials/").trim();
        String credentials = get("/latest/meta-data/iam/security-credentials/" + role);
        return ImdsHttp.jsonField(credentials, "AccessKeyId") + " (role " + role + ")";
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(URI.create(endpoint + path))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }
}
