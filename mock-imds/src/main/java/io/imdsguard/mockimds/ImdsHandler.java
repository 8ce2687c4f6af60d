package io.imdsguard.mockimds;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/** Applies the IMDS protocol rules to one exchange: classify, decide, record, answer. */
final class ImdsHandler implements HttpHandler {

    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String FORWARDED_FOR = "X-Forwarded-For";

    /**
     * How many bytes a truncated answer falls short of its Content-Length, beyond the half of the
     * body it omits.
     */
    private static final int TRUNCATED_SHORTFALL = 16;

    // Digits only: Integer.parseInt would also take "+5"; six digits is enough to exceed the
    // maximum.
    private static final Pattern TTL_VALUE = Pattern.compile("\\d{1,6}");

    private final RuntimeSettings settings;
    private final TokenStore tokens;
    private final MetadataTree tree;
    private final StatsRecorder stats;
    private final BlackHole blackHole;

    ImdsHandler(
            RuntimeSettings settings,
            TokenStore tokens,
            MetadataTree tree,
            StatsRecorder stats,
            BlackHole blackHole) {
        this.settings = settings;
        this.tokens = tokens;
        this.tree = tree;
        this.stats = stats;
        this.blackHole = blackHole;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            drainRequestBody(exchange);
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String path = rawPath == null ? "" : rawPath;
            Headers headers = exchange.getRequestHeaders();
            boolean forwardedFor = headers.containsKey(FORWARDED_FOR);
            List<String> relayHeaders =
                    ReceivedRequest.RELAY_HEADERS.stream().filter(headers::containsKey).toList();
            String token = headers.getFirst(TOKEN_HEADER);
            ImdsPaths.Parsed target = ImdsPaths.parse(path);
            ReceivedRequest.Kind kind =
                    target.type() == ImdsPaths.Type.TOKEN
                            ? ReceivedRequest.Kind.TOKEN
                            : token != null ? ReceivedRequest.Kind.V2 : ReceivedRequest.Kind.V1;

            if (kind == ReceivedRequest.Kind.TOKEN && method.equals("PUT")) {
                CountDownLatch gate = blackHole.currentGate();
                if (gate != null) {
                    // Recorded on arrival: the point is that it never gets an answer. When released
                    // it is
                    // dropped (connection closed) rather than answered late, as a discarded packet
                    // would be.
                    stats.record(
                            new ReceivedRequest(method, path, kind, 0, forwardedFor, relayHeaders));
                    BlackHole.hold(gate);
                    return;
                }
            }

            Reply reply = decide(method, target, kind, token, forwardedFor, headers);
            if (!delay()) {
                return;
            }
            stats.record(
                    new ReceivedRequest(
                            method, path, kind, reply.status(), forwardedFor, relayHeaders));
            send(exchange, method, reply, settings.truncateBodies);
        } catch (IOException e) {
            // The client went away; there is nobody left to answer.
        } catch (Truncated e) {
            throw e;
        } catch (RuntimeException e) {
            sendInternalError(exchange);
        } finally {
            // Without headers sent this closes the connection, which is how held or delayed
            // requests are dropped.
            exchange.close();
        }
    }

    /**
     * Thrown out of {@link #handle} after a truncated answer: only a handler that fails makes the
     * JDK server close the connection; closing the exchange short of the announced length would
     * leave it open, and the client waiting for bytes that never come.
     */
    private static final class Truncated extends RuntimeException {
        Truncated() {
            super("answer truncated on purpose", null, false, false);
        }
    }

    private Reply decide(
            String method,
            ImdsPaths.Parsed target,
            ReceivedRequest.Kind kind,
            String token,
            boolean forwardedFor,
            Headers headers) {
        if (!settings.endpointEnabled) {
            return Reply.error(403);
        }
        int forced = settings.forcedStatus;
        if (forced != 0) {
            int retryAfter = settings.retryAfterSeconds;
            return retryAfter > 0 && (forced == 429 || forced == 503)
                    ? Reply.empty(forced).withHeader("Retry-After", Integer.toString(retryAfter))
                    : Reply.empty(forced);
        }
        if (kind == ReceivedRequest.Kind.TOKEN) {
            return tokenReply(method, target, forwardedFor, headers);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Reply.error(405).withHeader("Allow", "GET, HEAD");
        }
        if (kind == ReceivedRequest.Kind.V2) {
            // A request carrying a token is judged as v2 even in optional mode: a bad token is not
            // a v1 fallback.
            if (!tokens.isValid(token)) {
                return Reply.error(401);
            }
            if (forwardedFor) {
                return Reply.error(403);
            }
        } else if (settings.httpTokens == HttpTokens.REQUIRED) {
            return Reply.error(401);
        }
        return switch (target.type()) {
            case ROOT -> Reply.ok(MetadataTree.VERSIONS_LISTING);
            case METADATA -> tree.lookup(target.relative()).orElseGet(() -> Reply.error(404));
            default -> Reply.error(404);
        };
    }

    private Reply tokenReply(
            String method, ImdsPaths.Parsed target, boolean forwardedFor, Headers headers) {
        if (!method.equals("PUT")) {
            // SDKs read 405 as "this endpoint has no IMDSv2" and fall back, so the exact status
            // matters.
            return Reply.error(405).withHeader("Allow", "OPTIONS, PUT");
        }
        if (!target.latest()) {
            return Reply.error(403);
        }
        if (forwardedFor) {
            // Refused so that an open proxy on the instance cannot fetch tokens for outsiders.
            return Reply.error(403);
        }
        String ttlText = headers.getFirst(TTL_HEADER);
        if (ttlText == null || !TTL_VALUE.matcher(ttlText.trim()).matches()) {
            return Reply.error(400);
        }
        int ttl = Integer.parseInt(ttlText.trim());
        if (!TokenStore.isValidTtl(ttl)) {
            return Reply.error(400);
        }
        if (settings.malformedTokens) {
            return Reply.ok(MockImds.MALFORMED_TOKEN_BODY);
        }
        return Reply.ok(tokens.issue(ttl)).withHeader(TTL_HEADER, Integer.toString(ttl));
    }

    /**
     * @return false when interrupted by close(), in which case the request is dropped
     */
    private boolean delay() {
        long millis = settings.responseDelayMillis;
        if (millis <= 0) {
            return true;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(HttpExchange exchange, String method, Reply reply) throws IOException {
        send(exchange, method, reply, false);
    }

    private static void send(HttpExchange exchange, String method, Reply reply, boolean truncate)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        out.set("Server", "EC2ws");
        out.set("Connection", "close");
        out.set("Content-Type", reply.contentType());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            out.set(h.getKey(), h.getValue());
        }
        byte[] body = reply.body();
        if (method.equals("HEAD")) {
            // The JDK server sends no Content-Length for HEAD; give the length a GET would have, as
            // HTTP asks.
            out.set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(reply.status(), -1);
        } else if (body.length == 0) {
            // -1, not 0: the JDK server takes 0 to mean "unknown length" and would switch to
            // chunked encoding.
            exchange.sendResponseHeaders(reply.status(), -1);
        } else if (truncate) {
            exchange.sendResponseHeaders(reply.status(), body.length + TRUNCATED_SHORTFALL);
            OutputStream os = exchange.getResponseBody();
            os.write(body, 0, body.length / 2);
            os.flush();
            throw new Truncated();
        } else {
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static void sendInternalError(HttpExchange exchange) {
        if (exchange.getResponseCode() != -1) {
            return;
        }
        try {
            send(exchange, exchange.getRequestMethod(), Reply.error(500));
        } catch (IOException | RuntimeException ignored) {
            // Nothing more can be done for this exchange.
        }
    }

    private static void drainRequestBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
