package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.RelayHeaders;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URL;

/** Reads what the agent needs from an {@link HttpURLConnection} that is about to connect. */
public final class HttpUrlConnectionRequests {

    public static final String CLIENT = "HttpURLConnection";

    /**
     * The connection and URL this thread last handled: nested entries of the same request repeat
     * them.
     */
    private static final ThreadLocal<Handled> LAST = new ThreadLocal<Handled>();

    private HttpUrlConnectionRequests() {}

    /**
     * True the first time a request of this connection enters the advice on this thread; false for
     * the nested {@code connect()} inside {@code getInputStream()}, and for the client's own
     * resends of the same URL. A redirect changes the URL, so each hop counts as the request it is.
     */
    public static boolean firstEntry(HttpURLConnection connection) {
        URL url = connection.getURL();
        Handled last = LAST.get();
        if (last != null && last.connection.get() == connection && last.url == url) {
            return false;
        }
        LAST.set(new Handled(connection, url));
        return true;
    }

    /**
     * Whether the connection goes to IMDS: decided from the URL alone, so every other request
     * leaves cheaply.
     */
    public static boolean targetsImds(HttpURLConnection connection, ImdsEndpoints endpoints) {
        URL url = connection.getURL();
        return endpoints.isImds(url.getHost(), port(url));
    }

    /** The request, or null when it does not go to IMDS. */
    public static ImdsRequest describe(HttpURLConnection connection, ImdsEndpoints endpoints) {
        return targetsImds(connection, endpoints) ? describeImds(connection) : null;
    }

    /** The request of a connection that {@link #targetsImds goes to IMDS}. */
    public static ImdsRequest describeImds(HttpURLConnection connection) {
        URL url = connection.getURL();
        int port = port(url);
        return new ImdsRequest(
                CLIENT,
                connection.getRequestMethod(),
                url.getFile(),
                connection.getRequestProperty(ImdsRequest.TOKEN_HEADER) != null,
                relayed(connection),
                ImdsRequest.origin(url.getProtocol(), url.getHost(), port));
    }

    /**
     * Whether any relay header is set; the connection compares header names without regard to case.
     */
    private static boolean relayed(HttpURLConnection connection) {
        for (String name : RelayHeaders.NAMES) {
            if (connection.getRequestProperty(name) != null) {
                return true;
            }
        }
        return false;
    }

    private static int port(URL url) {
        return url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
    }

    private static final class Handled {
        final WeakReference<HttpURLConnection> connection;
        final URL url;

        Handled(HttpURLConnection connection, URL url) {
            this.connection = new WeakReference<HttpURLConnection>(connection);
            this.url = url;
        }
    }
}
