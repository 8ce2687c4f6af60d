package io.imdsguard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP server that records every byte each connection sent, in the order connections
 * came, to compare what reached a server with and without the agent. It answers {@code 200 ok} as
 * soon as it has seen an empty line (CRLF or bare LF), or at the end of the client's output, then
 * reads on to the end of the connection.
 */
public final class RawCaptureServer implements AutoCloseable {

    private static final byte[] ANSWER =
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                    .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket socket;
    private final List<byte[]> received = new ArrayList<>();
    private int accepted;
    private int finished;

    public RawCaptureServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "raw-capture-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * The bytes of each connection, oldest first, once all connections accepted so far have ended.
     */
    public List<String> received() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (received) {
            while (finished < accepted) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("a connection to the capture server never ended");
                }
                received.wait(left);
            }
            List<String> texts = new ArrayList<>();
            for (byte[] bytes : received) {
                texts.add(
                        bytes == null ? "<none>" : new String(bytes, StandardCharsets.ISO_8859_1));
            }
            return texts;
        }
    }

    public void reset() throws InterruptedException {
        received();
        synchronized (received) {
            received.clear();
            accepted = 0;
            finished = 0;
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                int index;
                synchronized (received) {
                    index = accepted++;
                    received.add(null);
                }
                Thread reader = new Thread(() -> record(connection, index), "raw-capture-" + index);
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void record(Socket connection, int index) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Socket s = connection) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            boolean answered = false;
            int lineLength = 0;
            int b;
            while ((b = in.read()) >= 0) {
                bytes.write(b);
                if (b == '\n') {
                    if (lineLength == 0 && bytes.size() > 2 && !answered) {
                        s.getOutputStream().write(ANSWER);
                        s.getOutputStream().flush();
                        answered = true;
                    }
                    lineLength = 0;
                } else if (b != '\r') {
                    lineLength++;
                }
            }
            if (!answered) {
                s.getOutputStream().write(ANSWER);
            }
        } catch (IOException e) {
            // The client went away: what it sent is recorded all the same.
        } finally {
            synchronized (received) {
                received.set(index, bytes.toByteArray());
                finished++;
                received.notifyAll();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
