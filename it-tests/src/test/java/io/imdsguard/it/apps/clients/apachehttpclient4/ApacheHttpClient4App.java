package io.imdsguard.it.apps.clients.apachehttpclient4;

import io.imdsguard.it.apps.clients.Calls;
import java.io.IOException;
import org.apache.http.HttpHost;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.impl.client.BasicResponseHandler;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.util.EntityUtils;

/**
 * A service that reads IMDS through Apache HttpClient 4.5 in every way a legacy service does: the
 * builder's client ({@code InternalHttpClient}) with an {@code HttpGet}, with a target host and a
 * relative request, with a response handler and with one {@code HttpGet} object executed again and
 * again; the minimal client; the deprecated {@code DefaultHttpClient}; plus native v2 (token PUT,
 * then GET with the token). It finds IMDS through {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}.
 *
 * <p>Each call is a method of its own, so each is one call site; each prints {@code methodName:
 * result} ({@code STATUS body}, or {@code FAILED exception}), v1 calls in methods whose names start
 * with {@code v1}, v2 calls in {@code v2...}. Arguments: {@code REPS}, or {@code --steps} for
 * {@link Calls#steps}.
 */
public final class ApacheHttpClient4App {

    private static final RequestConfig TIMEOUTS =
            RequestConfig.custom()
                    .setConnectTimeout(2000)
                    .setSocketTimeout(5000)
                    .setConnectionRequestTimeout(2000)
                    .build();
    private static final CloseableHttpClient CLIENT =
            HttpClients.custom().setDefaultRequestConfig(TIMEOUTS).build();
    private static final CloseableHttpClient MINIMAL = HttpClients.createMinimal();

    @SuppressWarnings("deprecation")
    private static final org.apache.http.impl.client.DefaultHttpClient LEGACY =
            new org.apache.http.impl.client.DefaultHttpClient();

    private static String endpoint;
    private static HttpGet reused;
    private static String token;

    public static void main(String[] args) throws Exception {
        endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        boolean steps = args[0].equals("--steps");
        int reps = steps ? 0 : Integer.parseInt(args[0]);
        reused = new HttpGet(endpoint + "/latest/meta-data/hostname");
        if (steps) {
            Calls.steps(ApacheHttpClient4App.class);
        }
        for (int i = 0; i < reps; i++) {
            Calls.print("v1Execute", ApacheHttpClient4App::v1Execute);
            Calls.print(
                    "v1TargetAndRelativeRequest", ApacheHttpClient4App::v1TargetAndRelativeRequest);
            Calls.print("v1ResponseHandler", ApacheHttpClient4App::v1ResponseHandler);
            Calls.print("v1ReusedRequest", ApacheHttpClient4App::v1ReusedRequest);
            Calls.print("v1MinimalClient", ApacheHttpClient4App::v1MinimalClient);
            Calls.print("v1DefaultHttpClient", ApacheHttpClient4App::v1DefaultHttpClient);
            Calls.print("v2Execute", ApacheHttpClient4App::v2Execute);
        }
        CLIENT.close();
        MINIMAL.close();
        LEGACY.getConnectionManager().shutdown();
        System.out.println("done");
    }

    static String v1Execute() throws IOException {
        return answer(CLIENT.execute(new HttpGet(endpoint + "/latest/meta-data/instance-id")));
    }

    static String v1TargetAndRelativeRequest() throws IOException {
        return answer(
                CLIENT.execute(
                        HttpHost.create(endpoint),
                        new BasicHttpRequest("GET", "/latest/meta-data/placement/region")));
    }

    static String v1ResponseHandler() throws IOException {
        // BasicResponseHandler throws HttpResponseException for any status >= 300, as much legacy
        // code relies on.
        return "200 "
                + CLIENT.execute(
                        new HttpGet(endpoint + "/latest/meta-data/iam/security-credentials/"),
                        new BasicResponseHandler());
    }

    static String v1ReusedRequest() throws IOException {
        return answer(CLIENT.execute(reused));
    }

    static String v1MinimalClient() throws IOException {
        return answer(MINIMAL.execute(new HttpGet(endpoint + "/latest/meta-data/local-ipv4")));
    }

    static String v1DefaultHttpClient() throws IOException {
        return answer(
                LEGACY.execute(
                        new HttpGet(endpoint + "/latest/dynamic/instance-identity/document")));
    }

    static String v2Execute() throws IOException {
        HttpGet get = new HttpGet(endpoint + "/latest/meta-data/instance-type");
        get.setHeader("X-aws-ec2-metadata-token", token());
        return answer(CLIENT.execute(get));
    }

    /** One token for the whole run, as a well-behaved v2 client keeps it. */
    private static String token() throws IOException {
        if (token == null) {
            HttpPut put = new HttpPut(endpoint + "/latest/api/token");
            put.setHeader("X-aws-ec2-metadata-token-ttl-seconds", "600");
            HttpResponse response = CLIENT.execute(put);
            token = EntityUtils.toString(response.getEntity());
        }
        return token;
    }

    private static String answer(HttpResponse response) throws IOException {
        return response.getStatusLine().getStatusCode()
                + " "
                + EntityUtils.toString(response.getEntity());
    }
}
