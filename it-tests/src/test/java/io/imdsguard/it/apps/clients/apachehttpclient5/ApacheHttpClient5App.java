package io.imdsguard.it.apps.clients.apachehttpclient5;

import io.imdsguard.it.apps.clients.Calls;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * A service that reads IMDS through Apache HttpClient 5: classic ({@code execute} with a response
 * handler, {@code executeOpen} without a target as Spring calls it, a target host with a relative
 * request, one request object executed again and again, the minimal client) and async ({@code
 * CloseableHttpAsyncClient.execute(SimpleHttpRequest, ...)}), plus native v2 through both. It finds
 * IMDS through {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}.
 *
 * <p>Output and method naming as in {@link ApacheHttpClient4App}; async calls have {@code Async} in
 * their names. Arguments: {@code REPS}, or {@code --steps} for {@link Calls#steps}.
 */
public final class ApacheHttpClient5App {

    private static final CloseableHttpClient CLIENT =
            HttpClients.custom()
                    .setConnectionManager(
                            PoolingHttpClientConnectionManagerBuilder.create()
                                    .setDefaultConnectionConfig(
                                            ConnectionConfig.custom()
                                                    .setConnectTimeout(Timeout.ofSeconds(2))
                                                    .setSocketTimeout(Timeout.ofSeconds(5))
                                                    .build())
                                    .build())
                    .build();
    private static final CloseableHttpClient MINIMAL = HttpClients.createMinimal();
    private static final CloseableHttpAsyncClient ASYNC = HttpAsyncClients.createDefault();
    private static final HttpClientResponseHandler<String> STATUS_AND_BODY =
            response -> response.getCode() + " " + EntityUtils.toString(response.getEntity());

    private static String endpoint;
    private static HttpGet reused;
    private static SimpleHttpRequest reusedAsync;
    private static String token;

    public static void main(String[] args) throws Exception {
        endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        boolean steps = args[0].equals("--steps");
        int reps = steps ? 0 : Integer.parseInt(args[0]);
        ASYNC.start();
        reused = new HttpGet(endpoint + "/latest/meta-data/hostname");
        reusedAsync = SimpleRequestBuilder.get(endpoint + "/latest/meta-data/mac").build();
        if (steps) {
            Calls.steps(ApacheHttpClient5App.class);
        }
        for (int i = 0; i < reps; i++) {
            Calls.print("v1Execute", ApacheHttpClient5App::v1Execute);
            Calls.print(
                    "v1ExecuteOpenWithoutTarget", ApacheHttpClient5App::v1ExecuteOpenWithoutTarget);
            Calls.print(
                    "v1TargetAndRelativeRequest", ApacheHttpClient5App::v1TargetAndRelativeRequest);
            Calls.print("v1ReusedRequest", ApacheHttpClient5App::v1ReusedRequest);
            Calls.print("v1MinimalClient", ApacheHttpClient5App::v1MinimalClient);
            Calls.print("v1Async", ApacheHttpClient5App::v1Async);
            Calls.print("v1AsyncReusedRequest", ApacheHttpClient5App::v1AsyncReusedRequest);
            Calls.print("v2Execute", ApacheHttpClient5App::v2Execute);
            Calls.print("v2Async", ApacheHttpClient5App::v2Async);
        }
        CLIENT.close();
        MINIMAL.close();
        ASYNC.close(CloseMode.GRACEFUL);
        System.out.println("done");
    }

    static String v1Execute() throws Exception {
        return CLIENT.execute(
                new HttpGet(endpoint + "/latest/meta-data/instance-id"), STATUS_AND_BODY);
    }

    static String v1ExecuteOpenWithoutTarget() throws Exception {
        try (ClassicHttpResponse response =
                CLIENT.executeOpen(
                        null,
                        new HttpGet(endpoint + "/latest/meta-data/iam/security-credentials/"),
                        null)) {
            return STATUS_AND_BODY.handleResponse(response);
        }
    }

    static String v1TargetAndRelativeRequest() throws Exception {
        return CLIENT.execute(
                HttpHost.create(endpoint),
                new BasicClassicHttpRequest("GET", "/latest/meta-data/placement/region"),
                STATUS_AND_BODY);
    }

    static String v1ReusedRequest() throws Exception {
        return CLIENT.execute(reused, STATUS_AND_BODY);
    }

    static String v1MinimalClient() throws Exception {
        return MINIMAL.execute(
                new HttpGet(endpoint + "/latest/meta-data/local-ipv4"), STATUS_AND_BODY);
    }

    static String v1Async() throws Exception {
        return answer(
                ASYNC.execute(
                                SimpleRequestBuilder.get(
                                                endpoint
                                                        + "/latest/dynamic/instance-identity/document")
                                        .build(),
                                null)
                        .get(10, TimeUnit.SECONDS));
    }

    static String v1AsyncReusedRequest() throws Exception {
        return answer(ASYNC.execute(reusedAsync, null).get(10, TimeUnit.SECONDS));
    }

    static String v2Execute() throws Exception {
        HttpGet get = new HttpGet(endpoint + "/latest/meta-data/instance-type");
        get.setHeader("X-aws-ec2-metadata-token", token());
        return CLIENT.execute(get, STATUS_AND_BODY);
    }

    static String v2Async() throws Exception {
        return answer(
                ASYNC.execute(
                                SimpleRequestBuilder.get(endpoint + "/latest/meta-data/ami-id")
                                        .setHeader("X-aws-ec2-metadata-token", token())
                                        .build(),
                                null)
                        .get(10, TimeUnit.SECONDS));
    }

    /** One token for the whole run, as a well-behaved v2 client keeps it. */
    private static String token() throws Exception {
        if (token == null) {
            HttpPut put = new HttpPut(endpoint + "/latest/api/token");
            put.setHeader("X-aws-ec2-metadata-token-ttl-seconds", "600");
            token = CLIENT.execute(put, response -> EntityUtils.toString(response.getEntity()));
        }
        return token;
    }

    private static String answer(SimpleHttpResponse response) {
        return response.getCode() + " " + response.getBodyText();
    }
}
