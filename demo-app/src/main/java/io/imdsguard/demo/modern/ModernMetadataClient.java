package io.imdsguard.demo.modern;

import io.imdsguard.demo.ImdsHttp;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Code already migrated: a v2 session token, then reads that carry it, through both JDK clients.
 */
public final class ModernMetadataClient {

    private final String endpoint;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String token;

    public ModernMetadataClient(String endpoint) {
        this.endpoint = endpoint;
    }

    public String instanceType() throws IOException, InterruptedException {
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(
                                        URI.create(endpoint + "/latest/meta-data/instance-type"))
                                .header(ImdsHttp.TOKEN_HEADER, token())
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }

    public String availabilityZone() throws IOException, InterruptedException {
        HttpURLConnection connection =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/placement/availability-zone")
                                .openConnection();
        connection.setRequestProperty(ImdsHttp.TOKEN_HEADER, token());
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(2000);
        if (connection.getResponseCode() != 200) {
            throw new IOException("HTTP " + connection.getResponseCode());
        }
        return ImdsHttp.read(connection.getInputStream());
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (token == null) {
            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(URI.create(endpoint + "/latest/api/token"))
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .header(ImdsHttp.TTL_HEADER, "300")
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("token: HTTP " + response.statusCode());
            }
            token = response.body();
        }
        return token;
    }
}
