package io.imdsguard.it.apps.clients.nio;

import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Connection;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.api.Destination;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.util.FutureResponseListener;
import org.eclipse.jetty.util.FuturePromise;

/**
 * Code that sends a request over a connection it opened itself with Jetty 9.4's {@code
 * Destination.newConnection(Promise)}, then {@code connection.send(request, listener)}: the path
 * around {@code HttpDestination.send}, where the agent's Jetty hook sits, so only the connection
 * backstop sees it. Prints {@code jetty: <status> <body or ->}, or {@code jetty: FAILED
 * <exception>}.
 *
 * <p>Compiled against Jetty 9.4 and run with {@code AppJvm.mainClassWithLibraries("jetty-9.4")}
 * (the API moved in Jetty 10 and 12). Argument: the URL. Java 8 API only.
 */
public final class JettyNewConnectionApp {

    private JettyNewConnectionApp() {}

    public static void main(String[] args) throws Exception {
        HttpClient client = new HttpClient();
        client.start();
        String answer;
        try {
            answer = v1ReadOnOwnConnection(client, args[0]);
        } catch (ExecutionException e) {
            answer = "FAILED " + e.getCause();
        } finally {
            client.stop();
        }
        System.out.println("jetty: " + answer);
        System.out.println("done");
    }

    static String v1ReadOnOwnConnection(HttpClient client, String url) throws Exception {
        URI uri = URI.create(url);
        Destination destination =
                client.getDestination(uri.getScheme(), uri.getHost(), uri.getPort());
        FuturePromise<Connection> promise = new FuturePromise<>();
        destination.newConnection(promise);
        Connection connection = promise.get(10, TimeUnit.SECONDS);
        try {
            Request request = client.newRequest(url).timeout(10, TimeUnit.SECONDS);
            FutureResponseListener listener = new FutureResponseListener(request);
            connection.send(request, listener);
            ContentResponse response = listener.get(10, TimeUnit.SECONDS);
            return response.getStatus()
                    + " "
                    + (response.getStatus() == 200 ? response.getContentAsString().trim() : "-");
        } finally {
            connection.close();
        }
    }
}
