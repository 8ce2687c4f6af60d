package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;

import java.net.HttpURLConnection;
import java.net.URL;

/** Reads what the agent needs from an {@link HttpURLConnection} that is about to connect. */
public final class HttpUrlConnectionRequests {

    public static final String CLIENT = "HttpURLConnection";

    private HttpUrlConnectionRequests() {
    }

    /** The request, or null when it does not go to IMDS (the common case, decided from the URL alone). */
    public static ImdsRequest describe(HttpURLConnection connection, ImdsEndpoints endpoints) {
        URL url = connection.getURL();
        int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
        if (!endpoints.isImds(url.getHost(), port)) {
            return null;
        }
        String path = url.getFile();
        return new ImdsRequest(CLIENT, connection.getRequestMethod(), path,
                connection.getRequestProperty(ImdsRequest.TOKEN_HEADER) != null,
                connection.getRequestProperty(ImdsRequest.FORWARDED_FOR_HEADER) != null);
    }
}
