package io.imdsguard.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scrape endpoint's HTTP side: exactly one path, and no client able to stall the others. */
class ScrapeServerTest {

    /** Long enough that a test relying on it expiring would hang visibly, not pass by luck. */
    private static final int HEAD_LIMIT = 60_000;

    private ScrapeServer server;

    @BeforeEach
    void start() throws IOException {
        server =
                ScrapeServer.start(
                        "127.0.0.1",
                        0,
                        "/metrics",
                        "text/plain",
                        new ScrapeServer.Body() {
                            @Override
                            public byte[] get() {
                                return "imds_requests_total 3.0\n".getBytes(StandardCharsets.UTF_8);
                            }
                        },
                        HEAD_LIMIT,
                        "test-scrape");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void exactlyMetricsWithOrWithoutAQueryIsAnswered() throws IOException {
        assertTrue(
                exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200 OK\r\n"));
        String withQuery = exchange("GET /metrics?name[]=imds_requests_total HTTP/1.1\r\n\r\n");
        assertTrue(withQuery.startsWith("HTTP/1.1 200 OK\r\n"), withQuery);
        assertTrue(withQuery.endsWith("\r\n\r\nimds_requests_total 3.0\n"), withQuery);
    }

    @Test
    void anyOtherPathIs404() throws IOException {
        for (String target :
                new String[] {
                    "/", "/metricsX", "/metrics/", "/metrics/../admin", "/metric", "//metrics"
                }) {
            String answer = exchange("GET " + target + " HTTP/1.1\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 404 "), target + ": " + answer);
        }
    }

    @Test
    void aHalfSentRequestHeldOpenDoesNotStallConcurrentScrapes() throws IOException {
        Socket[] stalled = new Socket[6];
        try {
            for (int i = 0; i < stalled.length; i++) {
                stalled[i] = connect();
                stalled[i].getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
                stalled[i].getOutputStream().flush();
            }
            // Read with a socket time limit: a stalled endpoint fails this test instead of hanging
            // it.
            String answer = exchange("GET /metrics HTTP/1.1\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        } finally {
            for (Socket s : stalled) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aHeadThatDoesNotArriveInTimeIsDropped() throws Exception {
        server.close();
        server =
                ScrapeServer.start(
                        "127.0.0.1",
                        0,
                        "/metrics",
                        "text/plain",
                        new ScrapeServer.Body() {
                            @Override
                            public byte[] get() {
                                return new byte[0];
                            }
                        },
                        200,
                        "test-scrape-short");
        Socket slow = connect();
        try {
            slow.getOutputStream()
                    .write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // The server gives up on the head and closes: the read ends, within the socket's own
            // limit.
            assertEquals(-1, slow.getInputStream().read());
        } finally {
            slow.close();
        }
    }

    @Test
    void otherMethodsAre405() throws IOException {
        assertTrue(
                exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                        .startsWith("HTTP/1.1 405 "));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private String exchange(String request) throws IOException {
        Socket socket = connect();
        try {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                answer.write(buffer, 0, n);
            }
            return new String(answer.toByteArray(), StandardCharsets.ISO_8859_1);
        } finally {
            socket.close();
        }
    }
}
