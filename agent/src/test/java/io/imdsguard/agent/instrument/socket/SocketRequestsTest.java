package io.imdsguard.agent.instrument.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.instrument.ImdsClientCalls;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.EnforcePolicy;
import io.imdsguard.agent.report.Reporter;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketRequestsTest {

    @TempDir Path dir;

    private ServerSocket imds;
    private RequestTotals totals;
    private SocketRequests requests;

    @BeforeEach
    void wire() throws Exception {
        imds = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ImdsEndpoints endpoints =
                new ImdsEndpoints(
                        URI.create("http://127.0.0.1:" + imds.getLocalPort()), null, name -> null);
        AgentLog log = AgentLog.open(dir.resolve("imds-guard.log").toString(), false);
        totals = new RequestTotals();
        CallSiteRegistry sites = new CallSiteRegistry();
        Reporter reporter =
                new Reporter(
                        log, RuntimeInfo.current("socket-test"), "report", totals, sites, null);
        requests =
                new SocketRequests(
                        endpoints,
                        new RequestObserver(new ImdsMetrics(), totals, sites, reporter),
                        log);
    }

    @AfterEach
    void close() throws Exception {
        imds.close();
    }

    @Test
    void aSocketsTwoStreamsAreFollowedByOneSniffer() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            OutputStream first = requests.watch(socket, socket.getOutputStream());
            OutputStream second = requests.watch(socket, socket.getOutputStream());
            assertSame(first, second);
            first.write(
                    "GET /latest/meta-data/ HTTP/1.1\r\nHost: "
                            .getBytes(StandardCharsets.ISO_8859_1));
            second.write("127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1, totals.get(ImdsVersion.V1));
        }
    }

    /**
     * A head that a client's own hook judged is counted once, by that hook, not again on the wire;
     * an enforce refusal the hook decided but could not apply (HttpURLConnection mid-redirect)
     * leaves on the wire all the same.
     */
    @Test
    void aHeadTheHookJudgedIsNotCountedAgainAndItsEnforceRefusalLeavesOnTheWire() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort());
                Socket served = imds.accept()) {
            requests.hooked().expect("GET", "/latest/meta-data/", true);
            OutputStream out = requests.watch(socket, socket.getOutputStream());
            out.write(
                    "GET /latest/meta-data/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(served);
            assertTrue(
                    head.contains(
                            "\r\nX-aws-ec2-metadata-token: "
                                    + EnforcePolicy.INVALID_TOKEN
                                    + "\r\n"),
                    head);
            assertEquals(0, totals.get(ImdsVersion.V1));
        }
    }

    /**
     * A v1 head that an instrumented client writes on an IMDS connection without its hook having
     * seen an IMDS URL (a redirect, or a name that resolves to IMDS) is counted by the connection
     * backstop.
     */
    @Test
    void aV1HeadAnInstrumentedClientWritesUnjudgedIsCounted() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            OutputStream out = requests.watch(socket, socket.getOutputStream());
            ImdsClientCalls.enter();
            try {
                out.write(
                        "GET /latest/meta-data/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
            } finally {
                ImdsClientCalls.leave();
            }
            assertEquals(1, totals.get(ImdsVersion.V1));
        }
    }

    private static byte[] headOverTheLimit(String requestLine) {
        StringBuilder head = new StringBuilder(requestLine).append("X-Pad: ");
        while (head.length() <= 16 * 1024) {
            head.append('a');
        }
        return head.append("\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * An unreadable head from inside an instrumented client, on a connection it reached IMDS by
     * without its hook seeing an IMDS URL: its request line names it, no hook judged it, so it is
     * counted.
     */
    @Test
    void anUnreadableHeadNoHookJudgedIsCountedInsideAnInstrumentedClientToo() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            OutputStream out = requests.watch(socket, socket.getOutputStream());
            ImdsClientCalls.enter();
            try {
                out.write(
                        headOverTheLimit("GET /latest/meta-data/ HTTP/1.1\r\nHost: localhost\r\n"));
            } finally {
                ImdsClientCalls.leave();
            }
            assertEquals(1, totals.get(ImdsVersion.UNPARSED));
        }
    }

    /** The same head, when its hook judged that very request: counted once, by the hook. */
    @Test
    void anUnreadableHeadItsHookJudgedIsNotCountedAgain() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            OutputStream out = requests.watch(socket, socket.getOutputStream());
            requests.hooked().expect("GET", "/latest/meta-data/", false);
            ImdsClientCalls.enter();
            try {
                out.write(
                        headOverTheLimit("GET /latest/meta-data/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            } finally {
                ImdsClientCalls.leave();
            }
            assertEquals(0, totals.get(ImdsVersion.UNPARSED));
            assertEquals(0, requests.hooked().size(), "the hook's entry for it was taken");
        }
    }

    private static String readHead(Socket served) throws Exception {
        served.setSoTimeout(5000);
        java.io.InputStream in = served.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /**
     * A long-running service opens a socket to IMDS for every credential refresh; none may stay
     * reachable.
     */
    @Test
    void aClosedAndDroppedImdsSocketIsForgotten() throws Exception {
        for (int i = 0; i < 20; i++) {
            writeOneRequestAndDropTheSocket();
        }
        assertEquals(20, totals.get(ImdsVersion.V1));
        for (int gc = 0; gc < 100 && requests.watchedSockets() > 0; gc++) {
            System.gc();
            Thread.sleep(10);
            // WeakHashMap drops collected keys when it is next touched.
        }
        assertEquals(0, requests.watchedSockets());
    }

    private void writeOneRequestAndDropTheSocket() throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort());
        OutputStream out = requests.watch(socket, socket.getOutputStream());
        out.write(
                "GET /latest/meta-data/iam/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.close();
    }
}
