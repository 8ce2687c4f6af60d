package io.imdsguard.it.apps.indirect;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.Response;
import reactor.netty.http.client.HttpClient;

/**
 * {@link IndirectRequestsApp} for the clients that follow redirects by themselves and run on the
 * tests' class path: Apache HttpClient 5 classic ({@code apache5}, follows by default),
 * AsyncHttpClient ({@code ahc}, {@code setFollowRedirect(true)}), Vert.x WebClient ({@code vertx},
 * follows GET redirects by default) and Reactor Netty ({@code reactor}, {@code
 * followRedirect(true)}). Reads one URL and prints {@code <client>: <status> <body or ->}, or
 * {@code <client>: FAILED <exception>}.
 *
 * <p>Java 8 API; AsyncHttpClient 3 itself needs Java 11.
 */
public final class RedirectFollowingClientsApp {

    private RedirectFollowingClientsApp() {}

    public static void main(String[] args) throws Exception {
        String client = args[0];
        String url = args[1];
        String answer;
        try {
            if ("apache5".equals(client)) {
                answer = apache5Read(url);
            } else if ("ahc".equals(client)) {
                answer = asyncHttpClientRead(url);
            } else if ("vertx".equals(client)) {
                answer = vertxRead(url);
            } else if ("reactor".equals(client)) {
                answer = reactorNettyRead(url);
            } else {
                throw new IllegalArgumentException("unknown client " + client);
            }
        } catch (ExecutionException e) {
            answer = "FAILED " + e.getCause();
        } catch (Exception e) {
            answer = "FAILED " + e;
        }
        System.out.println(client + ": " + answer);
        System.out.println("done");
        System.exit(0);
    }

    static String apache5Read(String url) throws Exception {
        CloseableHttpClient client = HttpClients.createDefault();
        try {
            return client.execute(
                    new HttpGet(url),
                    response ->
                            response.getCode()
                                    + " "
                                    + (response.getCode() == 200
                                            ? EntityUtils.toString(response.getEntity()).trim()
                                            : "-"));
        } finally {
            client.close();
        }
    }

    static String asyncHttpClientRead(String url) throws Exception {
        AsyncHttpClient client = Dsl.asyncHttpClient(Dsl.config().setFollowRedirect(true));
        try {
            Response response = client.prepareGet(url).execute().get(10, TimeUnit.SECONDS);
            return response.getStatusCode()
                    + " "
                    + (response.getStatusCode() == 200 ? response.getResponseBody().trim() : "-");
        } finally {
            client.close();
        }
    }

    static String vertxRead(String url) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpResponse<Buffer> response =
                    WebClient.create(vertx)
                            .getAbs(url)
                            .send()
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            return response.statusCode()
                    + " "
                    + (response.statusCode() == 200 ? response.bodyAsString().trim() : "-");
        } finally {
            vertx.close();
        }
    }

    static String reactorNettyRead(String url) {
        return HttpClient.create()
                .followRedirect(true)
                .get()
                .uri(url)
                .responseSingle(
                        (response, body) ->
                                body.asString()
                                        .defaultIfEmpty("")
                                        .map(
                                                text -> {
                                                    int status = response.status().code();
                                                    return status
                                                            + " "
                                                            + (status
                                                                            == HttpResponseStatus.OK
                                                                                    .code()
                                                                    ? text.trim()
                                                                    : "-");
                                                }))
                .block(Duration.ofSeconds(10));
    }
}
