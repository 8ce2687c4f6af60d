package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void endpointIsLoopbackWithChosenPortAndNoTrailingSlash() throws Exception {
        try (MockImds imds = MockImds.builder().start()) {
            assertEquals("127.0.0.1", imds.host());
            assertTrue(imds.port() > 0);
            assertEquals("http://127.0.0.1:" + imds.port(), imds.endpoint());
        }
    }

    @Test
    void fixedPortIsUsed() throws Exception {
        int port;
        try (ServerSocket probe =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (MockImds imds = MockImds.builder().port(port).start()) {
            assertEquals(port, imds.port());
        }
    }

    @Test
    void ipv6HostIsBracketedInEndpoint() throws Exception {
        MockImds imds;
        try {
            imds = MockImds.builder().host("::1").start();
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (imds) {
            assertEquals("http://[::1]:" + imds.port(), imds.endpoint());
            assertEquals(
                    200,
                    new ImdsTestClient(imds).get("/latest/meta-data/instance-id").statusCode());
        }
    }

    @Test
    void serverClosesTheConnectionAfterEachAnswer() throws Exception {
        try (MockImds imds = MockImds.builder().start();
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", imds.port()), 2_000);
            socket.setSoTimeout(3_000);
            socket.getOutputStream()
                    .write(
                            "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            // readAllBytes returns only at EOF, so this fails with a timeout if the server keeps
            // the connection.
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("\r\n\r\ni-0123456789abcdef0"), response);
        }
    }

    @Test
    void closeIsIdempotentAndFreesThePort() throws Exception {
        MockImds imds = MockImds.builder().start();
        int port = imds.port();
        imds.close();
        imds.close();

        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
