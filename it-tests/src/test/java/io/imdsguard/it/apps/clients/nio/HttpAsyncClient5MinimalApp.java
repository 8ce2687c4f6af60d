package io.imdsguard.it.apps.clients.nio;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;

/**
 * Reads one URL through Apache HttpClient 5's {@code HttpAsyncClients.createMinimal()}, which goes
 * around the agent's HttpClient 5 async hook ({@code
 * InternalAbstractHttpAsyncClient.executeImmediate}): its requests are written on the client's
 * dispatch threads, where only the connection backstop sees them. Prints {@code minimal5: <status>
 * <body or ->}, or {@code minimal5: FAILED <exception>}.
 *
 * <p>Argument: the URL. Java 8 API only.
 */
public final class HttpAsyncClient5MinimalApp {

    private HttpAsyncClient5MinimalApp() {}

    public static void main(String[] args) throws Exception {
        String answer;
        try {
            answer = v1Read(args[0]);
        } catch (ExecutionException e) {
            answer = "FAILED " + e.getCause();
        } catch (TimeoutException e) {
            answer = "FAILED " + e;
        }
        System.out.println("minimal5: " + answer);
        System.out.println("done");
    }

    static String v1Read(String url) throws Exception {
        CloseableHttpAsyncClient client = HttpAsyncClients.createMinimal();
        client.start();
        try {
            SimpleHttpResponse response =
                    client.execute(SimpleRequestBuilder.get(url).build(), null)
                            .get(10, TimeUnit.SECONDS);
            return response.getCode()
                    + " "
                    + (response.getCode() == 200 ? response.getBodyText().trim() : "-");
        } finally {
            client.close();
        }
    }
}
