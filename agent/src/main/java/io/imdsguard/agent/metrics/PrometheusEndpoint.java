package io.imdsguard.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * A Prometheus scrape endpoint ({@code /metrics}) on its own small HTTP server, bound to loopback
 * unless configured otherwise: the metrics name code paths, which is not for the whole network.
 */
public final class PrometheusEndpoint {

    private final HttpServer server;

    private PrometheusEndpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds and starts the endpoint, and adds its registry to {@code metrics}.
     *
     * @throws IOException when the port cannot be bound (in use, not permitted)
     */
    public static PrometheusEndpoint start(ImdsMetrics metrics, String host, int port) throws IOException {
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        HttpHandler scrape = new HttpHandler() {
            @Override
            public void handle(HttpExchange exchange) throws IOException {
                try {
                    byte[] body = prometheus.scrape().getBytes(Charset.forName("UTF-8"));
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(body);
                    out.close();
                } finally {
                    exchange.close();
                }
            }
        };
        server.createContext("/metrics", scrape);
        server.setExecutor(Executors.newSingleThreadExecutor(new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                Thread thread = new Thread(task, "imds-guard-prometheus");
                thread.setDaemon(true);
                return thread;
            }
        }));
        // The server's dispatcher thread inherits the daemon flag of the thread that starts it; the
        // caller runs on a daemon thread so that the endpoint never keeps the application alive.
        server.start();
        metrics.addRegistry(prometheus);
        return new PrometheusEndpoint(server);
    }

    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + address.getPort() + "/metrics";
    }
}
