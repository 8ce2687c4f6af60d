package io.imdsguard.it.connection;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A loopback HTTP server that records every request's method, target and headers, and answers with
 * what its responder says: a redirect, a proxy's answer, a fake IMDS's. It lets a test assert what
 * a host that is not IMDS received, the agent's token above all.
 */
final class CapturingServer implements AutoCloseable {

    /** One request as received: header names in lower case. */
    record Received(String method, String target, Map<String, String> headers) {
        boolean carries(String header) {
            return headers.containsKey(header.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer: status, headers, body. */
    record Answer(int status, Map<String, String> headers, String body) {
        static Answer redirectTo(String location) {
            return new Answer(302, Map.of("Location", location), "");
        }

        static Answer ok(String body) {
            return new Answer(200, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();

    CapturingServer(Function<Received, Answer> responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> answer(exchange, responder));
        server.start();
    }

    private void answer(HttpExchange exchange, Function<Received, Answer> responder)
            throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) ->
                                headers.put(
                                        name.toLowerCase(Locale.ROOT), String.join(",", values)));
        exchange.getRequestBody().readAllBytes();
        Received request =
                new Received(
                        exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers);
        synchronized (received) {
            received.add(request);
        }
        Answer answer = responder.apply(request);
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
