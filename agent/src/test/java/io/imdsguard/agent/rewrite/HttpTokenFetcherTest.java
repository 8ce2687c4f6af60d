package io.imdsguard.agent.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a tiny token endpoint on 127.0.0.1; nothing leaves the loopback interface. */
class HttpTokenFetcherTest {

    private static final int REQUESTED_TTL = 21600;

    private HttpServer server;
    private String origin;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String seenMethod;
    private volatile String seenPath;
    private volatile Headers seenHeaders;
    private volatile int status = 200;
    private volatile String body = "AQAEAtoken-value_0123456789";

    /** The TTL header of the answer; null for none. */
    private volatile String grantedTtlHeader = String.valueOf(REQUESTED_TTL);

    private volatile String location;

    private final HttpTokenFetcher fetcher = new HttpTokenFetcher(1000, 2000);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext(
                "/",
                new HttpHandler() {
                    @Override
                    public void handle(HttpExchange exchange) throws IOException {
                        requests.incrementAndGet();
                        seenMethod = exchange.getRequestMethod();
                        seenPath = exchange.getRequestURI().getRawPath();
                        seenHeaders = exchange.getRequestHeaders();
                        if (grantedTtlHeader != null) {
                            exchange.getResponseHeaders()
                                    .set(HttpTokenFetcher.TTL_HEADER, grantedTtlHeader);
                        }
                        if (location != null) {
                            exchange.getResponseHeaders().set("Location", location);
                        }
                        byte[] answer = body.getBytes(StandardCharsets.US_ASCII);
                        exchange.sendResponseHeaders(
                                status, answer.length == 0 ? -1 : answer.length);
                        OutputStream out = exchange.getResponseBody();
                        out.write(answer);
                        out.close();
                    }
                });
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void putsToTheTokenPathWithTheRequestedTtlAndNoForwardedFor() throws Exception {
        FetchedToken token = fetcher.fetch(origin, REQUESTED_TTL);
        assertEquals(1, requests.get());
        assertEquals("PUT", seenMethod);
        assertEquals("/latest/api/token", seenPath);
        assertEquals(
                Collections.singletonList(String.valueOf(REQUESTED_TTL)),
                seenHeaders.get(HttpTokenFetcher.TTL_HEADER));
        assertFalse(seenHeaders.containsKey("X-Forwarded-For"), seenHeaders.keySet().toString());
        assertFalse(seenHeaders.containsKey("X-aws-ec2-metadata-token"));
        assertEquals("AQAEAtoken-value_0123456789", token.value);
        assertEquals(REQUESTED_TTL, token.ttlSeconds);
    }

    @Test
    void asksForTheTtlItIsGiven() throws Exception {
        grantedTtlHeader = "300";
        FetchedToken token = fetcher.fetch(origin, 300);
        assertEquals(
                Collections.singletonList("300"), seenHeaders.get(HttpTokenFetcher.TTL_HEADER));
        assertEquals(300, token.ttlSeconds);
    }

    @Test
    void theTokenIsTheBodyTrimmed() throws Exception {
        body = "  AQAEAtrimmed==\r\n";
        assertEquals("AQAEAtrimmed==", fetcher.fetch(origin, REQUESTED_TTL).value);
    }

    @Test
    void theLifetimeIsTheOneImdsGrantedWhenShorter() throws Exception {
        grantedTtlHeader = "120";
        assertEquals(120, fetcher.fetch(origin, REQUESTED_TTL).ttlSeconds);
        grantedTtlHeader = " 60 ";
        assertEquals(60, fetcher.fetch(origin, REQUESTED_TTL).ttlSeconds);
    }

    @Test
    void theRequestedLifetimeIsKeptWhenTheHeaderIsMissingBiggerOrNonsense() throws Exception {
        grantedTtlHeader = null;
        assertEquals(600, fetcher.fetch(origin, 600).ttlSeconds);
        grantedTtlHeader = "21600";
        assertEquals(600, fetcher.fetch(origin, 600).ttlSeconds);
        grantedTtlHeader = "abc";
        assertEquals(600, fetcher.fetch(origin, 600).ttlSeconds);
        grantedTtlHeader = "0";
        assertEquals(600, fetcher.fetch(origin, 600).ttlSeconds);
        grantedTtlHeader = "-5";
        assertEquals(600, fetcher.fetch(origin, 600).ttlSeconds);
    }

    @Test
    void errorStatusesMapToBoundedReasons() {
        int[] statuses = {403, 404, 405, 429, 500, 503, 400, 401};
        String[] reasons = {
            "forbidden",
            "not_found",
            "method_not_allowed",
            "throttled",
            "server_error",
            "server_error",
            "bad_status",
            "bad_status"
        };
        for (int i = 0; i < statuses.length; i++) {
            status = statuses[i];
            body = "";
            TokenFetchException e =
                    assertThrows(
                            TokenFetchException.class,
                            new org.junit.jupiter.api.function.Executable() {
                                @Override
                                public void execute() throws Throwable {
                                    fetcher.fetch(origin, REQUESTED_TTL);
                                }
                            },
                            "HTTP " + statuses[i]);
            assertEquals(reasons[i], e.reason(), "HTTP " + statuses[i]);
        }
        assertEquals(statuses.length, requests.get());
    }

    @Test
    void anEmptyTokenIsAFailure() {
        body = " \n";
        assertEquals("bad_status", reasonOf(origin));
    }

    /**
     * The token goes into a header, in the socket catch-all byte for byte: a line break would add
     * headers.
     */
    @Test
    void aBodyThatCannotBeAHeaderValueIsNoToken() {
        body = "AQAEAtoken\r\nX-Forwarded-For: 10.0.0.1";
        TokenFetchException refused = exceptionOf(origin);
        assertEquals("bad_status", refused.reason());
        assertFalse(
                refused.getMessage().contains("AQAEAtoken"),
                "the body is not repeated: " + refused.getMessage());
        body = "<html><body>502 Bad Gateway</body></html>";
        assertEquals("bad_status", reasonOf(origin));
        body = "AQAEA\ttoken";
        assertEquals("bad_status", reasonOf(origin));
    }

    @Test
    void aRedirectIsNotFollowed() {
        status = 307;
        body = "";
        final AtomicInteger elsewhere = new AtomicInteger();
        server.createContext(
                "/elsewhere",
                new HttpHandler() {
                    @Override
                    public void handle(HttpExchange exchange) throws IOException {
                        elsewhere.incrementAndGet();
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    }
                });
        location = origin + "/elsewhere";
        assertEquals("bad_status", reasonOf(origin));
        assertEquals(0, elsewhere.get());
    }

    @Test
    void anAnswerCutShortOfItsContentLengthIsNoToken() throws Exception {
        // HttpURLConnection ends such a body quietly at the early end of stream; half a token is
        // not a token.
        final ServerSocket raw = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        Thread answer =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                try {
                                    java.net.Socket s = raw.accept();
                                    java.io.InputStream in = s.getInputStream();
                                    int matched = 0;
                                    byte[] end = {'\r', '\n', '\r', '\n'};
                                    while (matched < 4) {
                                        int b = in.read();
                                        if (b < 0) {
                                            break;
                                        }
                                        matched =
                                                b == end[matched]
                                                        ? matched + 1
                                                        : (b == '\r' ? 1 : 0);
                                    }
                                    s.getOutputStream()
                                            .write(
                                                    ("HTTP/1.1 200 OK\r\nContent-Length: 56\r\n"
                                                                    + HttpTokenFetcher.TTL_HEADER
                                                                    + ": 21600\r\nConnection: close\r\n\r\n"
                                                                    + "AQAEAhalf-of-a-token-0123456")
                                                            .getBytes(StandardCharsets.US_ASCII));
                                    s.close();
                                } catch (IOException ignored) {
                                    // the test fails on its own assertion
                                }
                            }
                        });
        answer.start();
        try {
            assertEquals("error", reasonOf("http://127.0.0.1:" + raw.getLocalPort()));
        } finally {
            answer.join(5000);
            raw.close();
        }
    }

    @Test
    void aClosedPortIsRefused() throws IOException {
        ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        int port = probe.getLocalPort();
        probe.close();
        assertEquals("refused", reasonOf("http://127.0.0.1:" + port));
        assertFalse(AgentOwnRequests.active());
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        // The kernel completes the handshake from the backlog; nobody ever reads or answers.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        try {
            HttpTokenFetcher quick = new HttpTokenFetcher(1000, 200);
            long start = System.nanoTime();
            try {
                quick.fetch("http://127.0.0.1:" + silent.getLocalPort(), REQUESTED_TTL);
                fail("a silent server gave a token");
            } catch (TokenFetchException e) {
                assertEquals("timeout", e.reason());
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 5000, "took " + tookMillis + " ms with a 200 ms read timeout");
            assertFalse(AgentOwnRequests.active());
        } finally {
            silent.close();
        }
    }

    @Test
    void theThreadIsMarkedAsTheAgentsOwnOnlyDuringTheFetch() throws Exception {
        // HttpURLConnection consults the default CookieHandler on the calling thread while it
        // sends the request and reads the answer: a window into the fetch.
        final List<Boolean> seenInside = Collections.synchronizedList(new ArrayList<Boolean>());
        CookieHandler previous = CookieHandler.getDefault();
        CookieHandler.setDefault(
                new CookieHandler() {
                    @Override
                    public Map<String, List<String>> get(
                            URI uri, Map<String, List<String>> requestHeaders) {
                        seenInside.add(AgentOwnRequests.active());
                        return Collections.<String, List<String>>emptyMap();
                    }

                    @Override
                    public void put(URI uri, Map<String, List<String>> responseHeaders) {
                        seenInside.add(AgentOwnRequests.active());
                    }
                });
        try {
            assertFalse(AgentOwnRequests.active());
            assertNotNull(fetcher.fetch(origin, REQUESTED_TTL));
            assertFalse(AgentOwnRequests.active(), "the mark outlives the fetch");

            status = 503;
            body = "";
            assertEquals("server_error", reasonOf(origin));
            assertFalse(AgentOwnRequests.active(), "the mark outlives a failed fetch");
        } finally {
            CookieHandler.setDefault(previous);
        }
        assertFalse(seenInside.isEmpty(), "HttpURLConnection never consulted the CookieHandler");
        assertFalse(seenInside.contains(Boolean.FALSE), "the fetch ran unmarked: " + seenInside);
    }

    @Test
    void aConfiguredProxyIsNeverUsed() throws Exception {
        // IMDS is link-local: a token request through an (HTTP) proxy would reach the proxy's IMDS,
        // or leak the PUT. The "proxy" here is another loopback server that must see nothing.
        final AtomicInteger proxied = new AtomicInteger();
        final AtomicInteger asked = new AtomicInteger();
        HttpServer proxy =
                HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        proxy.createContext(
                "/",
                new HttpHandler() {
                    @Override
                    public void handle(HttpExchange exchange) throws IOException {
                        proxied.incrementAndGet();
                        exchange.sendResponseHeaders(200, 0);
                        exchange.getResponseBody()
                                .write("proxied-token".getBytes(StandardCharsets.US_ASCII));
                        exchange.close();
                    }
                });
        proxy.start();
        final Proxy viaProxy = new Proxy(Proxy.Type.HTTP, proxy.getAddress());
        ProxySelector previous = ProxySelector.getDefault();
        ProxySelector.setDefault(
                new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        asked.incrementAndGet();
                        return Collections.singletonList(viaProxy);
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
                });
        try {
            assertEquals("AQAEAtoken-value_0123456789", fetcher.fetch(origin, REQUESTED_TTL).value);
        } finally {
            ProxySelector.setDefault(previous);
            proxy.stop(0);
        }
        assertEquals(0, proxied.get());
        if (!System.getProperty("java.specification.version").startsWith("1.")) {
            // Java 8's HttpURLConnection asks the default selector even for Proxy.NO_PROXY (seen on
            // 8u504), and then connects directly all the same: what counts is that nothing reached
            // the proxy.
            assertEquals(0, asked.get());
        }
        assertEquals(1, requests.get());
    }

    @Test
    void theFailureMessageNamesTheStatus() {
        status = 500;
        body = "";
        TokenFetchException e = exceptionOf(origin);
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("500"), e.getMessage());
    }

    private String reasonOf(String target) {
        return exceptionOf(target).reason();
    }

    private TokenFetchException exceptionOf(String target) {
        try {
            FetchedToken token = fetcher.fetch(target, REQUESTED_TTL);
            fail("expected a failure, got a token of " + token.value.length() + " characters");
            return null;
        } catch (TokenFetchException e) {
            return e;
        }
    }
}
