package io.imdsguard.agent.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;

/**
 * A Prometheus scrape endpoint ({@code /metrics}) on its own small HTTP server, bound to loopback
 * unless configured otherwise: the metrics name code paths, which is not for the whole network.
 * Scrapes are served concurrently, and a connection whose request does not arrive within {@link
 * #HEAD_TIME_LIMIT_MILLIS} is dropped, so one slow client cannot silence the endpoint.
 */
public final class PrometheusEndpoint {

    static final String PATH = "/metrics";
    static final int HEAD_TIME_LIMIT_MILLIS = 5000;

    private final ScrapeServer server;

    private PrometheusEndpoint(ScrapeServer server) {
        this.server = server;
    }

    /**
     * Binds and starts the endpoint, and adds its registry to {@code metrics}.
     *
     * @throws IOException when the port cannot be bound (in use, not permitted)
     */
    public static PrometheusEndpoint start(ImdsMetrics metrics, String host, int port)
            throws IOException {
        final PrometheusMeterRegistry prometheus =
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScrapeServer server =
                ScrapeServer.start(
                        host,
                        port,
                        PATH,
                        "text/plain; version=0.0.4; charset=utf-8",
                        new ScrapeServer.Body() {
                            @Override
                            public byte[] get() {
                                return prometheus.scrape().getBytes(Charset.forName("UTF-8"));
                            }
                        },
                        HEAD_TIME_LIMIT_MILLIS,
                        "imds-guard-prometheus");
        metrics.addRegistry(prometheus);
        return new PrometheusEndpoint(server);
    }

    public String url() {
        InetSocketAddress address = server.address();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + address.getPort() + PATH;
    }
}
