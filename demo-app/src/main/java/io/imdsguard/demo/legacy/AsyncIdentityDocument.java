package io.imdsguard.demo.legacy;

import io.imdsguard.demo.ImdsHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** An asynchronous v1 read of the identity document, as reactive code tends to write it. */
public final class AsyncIdentityDocument {

    private final String endpoint;
    private final HttpClient client = HttpClient.newHttpClient();

    public AsyncIdentityDocument(String endpoint) {
        this.endpoint = endpoint;
    }

    public CompletableFuture<String> accountId() {
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(endpoint + "/latest/dynamic/instance-identity/document"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response -> {
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + response.statusCode());
                            }
                            return ImdsHttp.jsonField(response.body(), "accountId");
                        });
    }
}
