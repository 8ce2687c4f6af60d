package io.imdsguard.mockimds;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server that behaves like EC2's Instance Metadata Service (see imds-protocol.md), with
 * switches for the failure modes the agent must recognise.
 *
 * <pre>{@code
 * try (MockImds imds = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
 *     System.setProperty("aws.ec2MetadataServiceEndpoint", imds.endpoint());
 *     ...
 * }
 * }</pre>
 */
public final class MockImds implements AutoCloseable {

    private final String host;
    private final HttpServer server;
    private final ExecutorService executor;
    private final RuntimeSettings settings;
    private final TokenStore tokens;
    private final StatsRecorder stats;
    private final BlackHole blackHole;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MockImds(
            String host,
            HttpServer server,
            ExecutorService executor,
            RuntimeSettings settings,
            TokenStore tokens,
            StatsRecorder stats,
            BlackHole blackHole) {
        this.host = host;
        this.server = server;
        this.executor = executor;
        this.settings = settings;
        this.tokens = tokens;
        this.stats = stats;
        this.blackHole = blackHole;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Base URL, e.g. {@code http://127.0.0.1:34567}, without a trailing slash, as the SDK endpoint
     * overrides expect.
     */
    public String endpoint() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port();
    }

    public String host() {
        return host;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void setHttpTokens(HttpTokens httpTokens) {
        settings.httpTokens = Objects.requireNonNull(httpTokens, "httpTokens");
    }

    /** {@code false} emulates {@code HttpEndpoint=disabled}: every request gets 403. */
    public void setEndpointEnabled(boolean on) {
        settings.endpointEnabled = on;
    }

    /**
     * Emulates an IMDS restart: every token issued so far becomes unknown (they stay in {@link
     * #issuedTokens()}).
     */
    public void invalidateTokens() {
        tokens.invalidateAll();
    }

    /**
     * While on, token PUTs are accepted but never answered, as when the hop limit discards the
     * response. Turning it off, or {@link #close()}, drops the held requests by closing their
     * connections.
     */
    public void setBlackHoleTokenRequests(boolean on) {
        blackHole.setEnabled(on);
    }

    /** Delays every answer by this many milliseconds; 0 turns it off. */
    public void setResponseDelayMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("delay must be >= 0: " + millis);
        }
        settings.responseDelayMillis = millis;
    }

    /**
     * Answers every request with this status and an empty body (e.g. 429, 500, 503); 0 turns it
     * off.
     */
    public void setForcedStatus(int status) {
        if (status != 0 && (status < 200 || status > 599)) {
            throw new IllegalArgumentException("status must be 0 or 200..599: " + status);
        }
        settings.forcedStatus = status;
    }

    /**
     * Adds {@code Retry-After: seconds} to forced 429 and 503 answers, as a throttling server
     * would; 0 (the default) sends none.
     */
    public void setRetryAfterSeconds(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("seconds must be >= 0: " + seconds);
        }
        settings.retryAfterSeconds = seconds;
    }

    /**
     * While on, every answer with a body announces a {@code Content-Length} larger than the body it
     * sends, then closes the connection: the client gets the status line and headers, then an early
     * end of stream.
     */
    public void setTruncatedBodies(boolean on) {
        settings.truncateBodies = on;
    }

    /**
     * While on, a token PUT IMDS would grant gets {@code 200} with {@link #MALFORMED_TOKEN_BODY},
     * as from a proxy's error page, instead of a token. No token is issued.
     */
    public void setMalformedTokens(boolean on) {
        settings.malformedTokens = on;
    }

    /** What a token PUT gets while {@link #setMalformedTokens} is on. */
    public static final String MALFORMED_TOKEN_BODY =
            "<html><body><h1>502 Bad Gateway</h1></body></html>\n";

    public ImdsStats stats() {
        return stats.snapshot();
    }

    /** Clears the counters and the request log. */
    public void resetStats() {
        stats.reset();
    }

    /** The requests received, oldest first; only the latest 100,000 are kept. */
    public List<ReceivedRequest> requests() {
        return stats.requests();
    }

    /** Every token value ever issued, so tests can scan logs and metrics for leaks. */
    public Set<String> issuedTokens() {
        return tokens.everIssued();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Release held requests first: stop() would otherwise wait on their handler threads.
        blackHole.close();
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Configuration fixed for the server's lifetime; the switches above change behaviour while
     * running.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private HttpTokens httpTokens = HttpTokens.OPTIONAL;
        private String instanceId = "i-0123456789abcdef0";
        private String region = "eu-west-1";
        private String roleName = "demo-app-role";
        private String userData;

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder httpTokens(HttpTokens httpTokens) {
            this.httpTokens = Objects.requireNonNull(httpTokens, "httpTokens");
            return this;
        }

        public Builder instanceId(String instanceId) {
            this.instanceId = requireText(instanceId, "instanceId");
            return this;
        }

        /** The availability zone is this region plus "a". */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /** {@code null} means no instance profile: the {@code iam/} items then answer 404. */
        public Builder roleName(String roleName) {
            this.roleName = roleName;
            return this;
        }

        /** {@code null} (the default) makes {@code /latest/user-data} answer 404. */
        public Builder userData(String userData) {
            this.userData = userData;
            return this;
        }

        public MockImds start() throws IOException {
            String bindHost =
                    host.startsWith("[") && host.endsWith("]")
                            ? host.substring(1, host.length() - 1)
                            : host;
            InstanceConfig config = InstanceConfig.generate(instanceId, region, roleName, userData);
            RuntimeSettings settings = new RuntimeSettings(httpTokens);
            TokenStore tokens = new TokenStore();
            StatsRecorder stats = new StatsRecorder();
            BlackHole blackHole = new BlackHole();

            HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 128);
            ExecutorService executor = Executors.newCachedThreadPool(daemonThreads());
            server.setExecutor(executor);
            server.createContext(
                    "/",
                    new ImdsHandler(settings, tokens, new MetadataTree(config), stats, blackHole));
            startAsDaemon(server);
            return new MockImds(host, server, executor, settings, tokens, stats, blackHole);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "mock-imds-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The JDK server's dispatcher thread inherits daemon status from the thread that calls start(),
     * so starting it from a daemon thread means a mock someone forgot to close never keeps a JVM
     * alive.
     */
    private static void startAsDaemon(HttpServer server) throws IOException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread starter =
                new Thread(
                        () -> {
                            try {
                                server.start();
                            } catch (RuntimeException e) {
                                failure.set(e);
                            }
                        },
                        "mock-imds-starter");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
            throw new IOException("interrupted while starting the mock IMDS", e);
        }
        RuntimeException e = failure.get();
        if (e != null) {
            server.stop(0);
            if (e instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
    }
}
