package io.imdsguard.it.apps.clients.nio;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.util.EntityUtils;

/**
 * Legacy-style code that reads one URL through Apache HttpAsyncClient 4.1, which the agent has no
 * hook for: its requests are written to NIO channels on the client's I/O dispatcher threads, where
 * only the connection backstop sees them. Prints {@code <variant>: <status> <body or ->}, or {@code
 * <variant>: FAILED <exception>}.
 *
 * <p>Arguments: {@code default} ({@code HttpAsyncClients.createDefault()}) or {@code minimal}
 * ({@code HttpAsyncClients.createMinimal()}), and the URL. Java 8 API only.
 */
public final class HttpAsyncClient4App {

    private HttpAsyncClient4App() {}

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        String answer;
        try {
            answer = v1Read(variant, args[1]);
        } catch (ExecutionException e) {
            answer = "FAILED " + e.getCause();
        } catch (TimeoutException e) {
            // createMinimal() (4.1.5) never completes a request whose connection failed: the
            // caller's
            // own time limit is what ends it.
            answer = "FAILED " + e;
        }
        System.out.println(variant + ": " + answer);
        System.out.println("done");
    }

    static String v1Read(String variant, String url) throws Exception {
        CloseableHttpAsyncClient client;
        if ("minimal".equals(variant)) {
            client = HttpAsyncClients.createMinimal();
        } else if ("default".equals(variant)) {
            client = HttpAsyncClients.createDefault();
        } else {
            throw new IllegalArgumentException("unknown variant " + variant);
        }
        client.start();
        try {
            Future<HttpResponse> future = client.execute(new HttpGet(url), null);
            HttpResponse response = future.get(10, TimeUnit.SECONDS);
            int status = response.getStatusLine().getStatusCode();
            String body =
                    response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            return status + " " + (status == 200 ? body.trim() : "-");
        } finally {
            client.close();
        }
    }
}
