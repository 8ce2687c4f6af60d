package io.imdsguard.it.apps.clients.asynchttpclient;

import io.imdsguard.it.apps.clients.ClientScript;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.DefaultAsyncHttpClientConfig;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.ListenableFuture;
import org.asynchttpclient.Request;
import org.asynchttpclient.Response;

/**
 * A service reading IMDS through AsyncHttpClient. Each kind of call has its own method that makes
 * the request and returns the future; the answer is awaited by the caller, elsewhere, as async code
 * does. Commands: {@code v1} (prepareGet().execute()), {@code v1-xff} (the same, relayed with
 * X-Forwarded-For), {@code v1-request} (a prebuilt {@link Request} the app reuses, sent with
 * executeRequest; prints whether the app's object gained a token header), {@code v2} (token PUT,
 * then a read with the token).
 */
public final class AsyncHttpClientApp {

    private final AsyncHttpClient client;
    private final String endpoint;
    private final Request reused;

    private AsyncHttpClientApp(AsyncHttpClient client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
        this.reused = Dsl.get(endpoint + "/latest/meta-data/placement/region").build();
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        // Shut down at once at the end rather than after AsyncHttpClient's default quiet period.
        try (AsyncHttpClient client = Dsl.asyncHttpClient(quickShutdown(Dsl.config()))) {
            AsyncHttpClientApp app = new AsyncHttpClientApp(client, endpoint);
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
                                                            .getHeaders()
                                                            .contains("X-aws-ec2-metadata-token"),
                            "v2", app::v2Read));
        }
    }

    /**
     * No quiet period and a short timeout at shutdown. AsyncHttpClient 3 takes Durations, 2.x
     * milliseconds (this app runs against both, compiled against 3), hence by reflection.
     */
    private static DefaultAsyncHttpClientConfig.Builder quickShutdown(
            DefaultAsyncHttpClientConfig.Builder config) throws ReflectiveOperationException {
        Class<?> builder = DefaultAsyncHttpClientConfig.Builder.class;
        try {
            builder.getMethod("setShutdownQuietPeriod", Duration.class)
                    .invoke(config, Duration.ZERO);
            builder.getMethod("setShutdownTimeout", Duration.class)
                    .invoke(config, Duration.ofSeconds(1));
        } catch (NoSuchMethodException version2) {
            builder.getMethod("setShutdownQuietPeriod", int.class).invoke(config, 0);
            builder.getMethod("setShutdownTimeout", int.class).invoke(config, 1000);
        }
        return config;
    }

    ListenableFuture<Response> v1Read() {
        return client.prepareGet(endpoint + "/latest/meta-data/instance-id").execute();
    }

    ListenableFuture<Response> v1Relayed() {
        return client.prepareGet(endpoint + "/latest/meta-data/instance-id")
                .setHeader("X-Forwarded-For", "203.0.113.7")
                .execute();
    }

    ListenableFuture<Response> v1Reused() {
        return client.executeRequest(reused);
    }

    String v2Read() throws Exception {
        Response token =
                client.preparePut(endpoint + "/latest/api/token")
                        .setHeader("X-aws-ec2-metadata-token-ttl-seconds", "60")
                        .execute()
                        .get(10, TimeUnit.SECONDS);
        return show(
                client.prepareGet(endpoint + "/latest/meta-data/ami-id")
                        .setHeader("X-aws-ec2-metadata-token", token.getResponseBody())
                        .execute());
    }

    private static String show(ListenableFuture<Response> pending) throws Exception {
        Response response = pending.get(10, TimeUnit.SECONDS);
        return ClientScript.show(response.getStatusCode(), response.getResponseBody());
    }
}
