package io.imdsguard.it.apps.clients.vertx;

import io.imdsguard.it.apps.clients.ClientScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A service reading IMDS through the Vert.x WebClient. Each kind of call has its own method that
 * makes the request and returns the future; the answer is awaited elsewhere. Commands: {@code v1}
 * (an absolute URL), {@code v1-xff} (host, port and path given apart, relayed with
 * X-Forwarded-For), {@code v1-request} (a prebuilt {@link HttpRequest} the app reuses; prints
 * whether the app's object gained a token header), {@code v2} (token PUT, then a read with the
 * token).
 */
public final class VertxWebClientApp {

    private final WebClient client;
    private final String endpoint;
    private final URI imds;
    private final HttpRequest<Buffer> reused;

    private VertxWebClientApp(WebClient client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
        this.imds = URI.create(endpoint);
        this.reused =
                client.requestAbs(HttpMethod.GET, endpoint + "/latest/meta-data/placement/region");
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        Vertx vertx = Vertx.vertx();
        WebClient client = WebClient.create(vertx);
        try {
            VertxWebClientApp app = new VertxWebClientApp(client, endpoint);
            ClientScript.run(
                    args,
                    ClientScript.calls(
                            "v1", () -> show(app.v1Read()),
                            "v1-xff", () -> show(app.v1Relayed()),
                            "v1-request",
                                    () ->
                                            show(app.v1Reused())
                                                    + " token-on-app-request="
                                                    + app.reused
                                                            .headers()
                                                            .contains("X-aws-ec2-metadata-token"),
                            "v2", app::v2Read));
        } finally {
            client.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    Future<HttpResponse<Buffer>> v1Read() {
        return client.getAbs(endpoint + "/latest/meta-data/instance-id").send();
    }

    Future<HttpResponse<Buffer>> v1Relayed() {
        return client.get(imds.getPort(), imds.getHost(), "/latest/meta-data/instance-id")
                .putHeader("X-Forwarded-For", "203.0.113.7")
                .send();
    }

    Future<HttpResponse<Buffer>> v1Reused() {
        return reused.send();
    }

    String v2Read() throws Exception {
        HttpResponse<Buffer> token =
                await(
                        client.putAbs(endpoint + "/latest/api/token")
                                .putHeader("X-aws-ec2-metadata-token-ttl-seconds", "60")
                                .send());
        return show(
                client.get(imds.getPort(), imds.getHost(), "/latest/meta-data/ami-id")
                        .putHeader("X-aws-ec2-metadata-token", token.bodyAsString())
                        .send());
    }

    private static String show(Future<HttpResponse<Buffer>> pending) throws Exception {
        HttpResponse<Buffer> response = await(pending);
        return ClientScript.show(response.statusCode(), response.bodyAsString());
    }

    private static HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> pending)
            throws Exception {
        return pending.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
