package io.imdsguard.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The non-IMDS server of the HTTP benchmarks: a loopback server answering every request with a
 * two-byte body and keeping connections alive, run in the benchmark driver's JVM (never with an
 * agent), so the agent's cost is measured on the client side only.
 */
final class LoopbackServer implements AutoCloseable {

    private static final byte[] BODY = {'o', 'k'};

    private final HttpServer server;
    private final ExecutorService executor =
            Executors.newFixedThreadPool(
                    2,
                    runnable -> {
                        Thread thread = new Thread(runnable, "bench-loopback-server");
                        thread.setDaemon(true);
                        return thread;
                    });

    LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext(
                "/",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, BODY.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(BODY);
                    }
                });
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/items";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
