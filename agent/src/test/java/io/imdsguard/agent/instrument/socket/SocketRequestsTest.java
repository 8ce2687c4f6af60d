package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.instrument.ImdsClientCalls;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.agent.report.CallSiteRegistry;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.report.RequestTotals;
import io.imdsguard.agent.report.RuntimeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SocketRequestsTest {

    @TempDir
    Path dir;

    private ServerSocket imds;
    private RequestTotals totals;
    private SocketRequests requests;

    @BeforeEach
    void wire() throws Exception {
        imds = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ImdsEndpoints endpoints = new ImdsEndpoints(URI.create("http://127.0.0.1:" + imds.getLocalPort()), null,
                name -> null);
        AgentLog log = AgentLog.open(dir.resolve("imds-guard.log").toString(), false);
        totals = new RequestTotals();
        CallSiteRegistry sites = new CallSiteRegistry();
        Reporter reporter = new Reporter(log, RuntimeInfo.current("socket-test"), "report", totals, sites, null);
        requests = new SocketRequests(endpoints, new RequestObserver(new ImdsMetrics(), totals, sites, reporter), log);
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
            first.write("GET /latest/meta-data/ HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.ISO_8859_1));
            second.write("127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1, totals.get(ImdsVersion.V1));
        }
    }

    /**
     * A socket opened while an instrumented client handles an IMDS request is that client's: its
     * stream is handed out as it is, and its request is counted once, by the client's instrumentation.
     * Once the client's method has returned, a socket is watched again.
     */
    @Test
    void aSocketOpenedInsideAnInstrumentedClientsImdsCallIsLeftToThatClient() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            OutputStream raw = socket.getOutputStream();
            ImdsClientCalls.enter();
            OutputStream handedOut;
            try {
                handedOut = requests.watch(socket, raw);
            } finally {
                ImdsClientCalls.leave();
            }
            assertSame(raw, handedOut);
            handedOut.write("GET /latest/meta-data/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(0, totals.get(ImdsVersion.V1));
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), imds.getLocalPort())) {
            requests.watch(socket, socket.getOutputStream())
                    .write("GET /latest/meta-data/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1, totals.get(ImdsVersion.V1));
        }
    }

    /** A long-running service opens a socket to IMDS for every credential refresh; none may stay reachable. */
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
        out.write("GET /latest/meta-data/iam/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.close();
    }
}
