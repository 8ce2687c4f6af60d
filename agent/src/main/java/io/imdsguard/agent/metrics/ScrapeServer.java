package io.imdsguard.agent.metrics;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.x server for one resource: {@code GET} (or {@code HEAD}) of exactly its path,
 * with or without a query string, answers the body; any other path gets {@code 404}. Made for a
 * scrape endpoint that a slow or hostile client must not silence: each connection is served on a
 * thread of its own (up to {@link #MAX_CONNECTIONS} at once), and its request head must arrive
 * whole within a time limit, after which the connection is dropped. One answer per connection
 * ({@code Connection: close}).
 */
final class ScrapeServer implements Closeable {

    /** Supplies the body of each answer. */
    interface Body {
        byte[] get() throws Exception;
    }

    private static final Charset LATIN_1 = Charset.forName("ISO-8859-1");
    private static final int MAX_HEAD = 8192;
    private static final int MAX_CONNECTIONS = 16;

    private final ServerSocket socket;
    private final String path;
    private final String contentType;
    private final Body body;
    private final int headTimeLimitMillis;
    private final ThreadPoolExecutor workers;

    private ScrapeServer(
            ServerSocket socket,
            String path,
            String contentType,
            Body body,
            int headTimeLimitMillis) {
        this.socket = socket;
        this.path = path;
        this.contentType = contentType;
        this.body = body;
        this.headTimeLimitMillis = headTimeLimitMillis;
        // A thread per connection up to a bound, never a queue: a scrape never waits behind a slow
        // client,
        // and beyond the bound a connection is closed at once. Idle threads end.
        this.workers =
                new ThreadPoolExecutor(
                        0,
                        MAX_CONNECTIONS,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<Runnable>(),
                        new DaemonThreads("imds-guard-prometheus-worker"));
    }

    /** Binds and starts accepting, on a daemon thread named {@code threadName}. */
    static ScrapeServer start(
            String host,
            int port,
            String path,
            String contentType,
            Body body,
            int headTimeLimitMillis,
            String threadName)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(host, port), 50);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        final ScrapeServer server =
                new ScrapeServer(socket, path, contentType, body, headTimeLimitMillis);
        Thread acceptor =
                new DaemonThreads(threadName)
                        .newThread(
                                new Runnable() {
                                    @Override
                                    public void run() {
                                        server.acceptLoop();
                                    }
                                });
        acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        workers.shutdownNow();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            final Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                continue;
            }
            try {
                workers.execute(
                        new Runnable() {
                            @Override
                            public void run() {
                                serve(connection);
                            }
                        });
            } catch (RejectedExecutionException busy) {
                closeQuietly(connection);
            }
        }
    }

    private void serve(Socket connection) {
        try {
            String requestLine = readRequestLine(connection);
            if (requestLine != null) {
                answer(connection.getOutputStream(), requestLine);
            }
        } catch (IOException e) {
            // The client went away or was too slow; nobody is left to answer.
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * The request line, once the whole head has arrived within the time limit; null when it did
     * not.
     */
    private String readRequestLine(Socket connection) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(headTimeLimitMillis);
        InputStream in = connection.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int newlines = 0;
        while (head.size() < MAX_HEAD) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            // The limit is on the whole head, not on each read: a byte now and then does not extend
            // it.
            connection.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException tooSlow) {
                return null;
            }
            if (b < 0) {
                return null;
            }
            head.write(b);
            if (b == '\n') {
                if (++newlines == 2) {
                    break;
                }
            } else if (b != '\r') {
                newlines = 0;
            }
        }
        if (newlines < 2) {
            return null;
        }
        String text = new String(head.toByteArray(), LATIN_1);
        int end = text.indexOf('\n');
        return text.substring(0, end).trim();
    }

    private void answer(OutputStream out, String requestLine) throws IOException {
        String[] parts = requestLine.split(" +");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            respond(out, 400, "Bad Request", "text/plain; charset=utf-8", new byte[0], true);
            return;
        }
        String target = parts[1];
        int query = target.indexOf('?');
        String requested = query >= 0 ? target.substring(0, query) : target;
        if (!requested.equals(path)) {
            respond(out, 404, "Not Found", "text/plain; charset=utf-8", new byte[0], true);
            return;
        }
        boolean head = parts[0].equals("HEAD");
        if (!head && !parts[0].equals("GET")) {
            respond(out, 405, "Method Not Allowed", "text/plain; charset=utf-8", new byte[0], true);
            return;
        }
        byte[] content;
        try {
            content = body.get();
        } catch (Exception e) {
            respond(
                    out,
                    500,
                    "Internal Server Error",
                    "text/plain; charset=utf-8",
                    new byte[0],
                    true);
            return;
        }
        respond(out, 200, "OK", contentType, content, !head);
    }

    private static void respond(
            OutputStream out,
            int status,
            String reason,
            String type,
            byte[] content,
            boolean withBody)
            throws IOException {
        String head =
                "HTTP/1.1 "
                        + status
                        + " "
                        + reason
                        + "\r\n"
                        + (status == 405 ? "Allow: GET, HEAD\r\n" : "")
                        + "Content-Type: "
                        + type
                        + "\r\n"
                        + "Content-Length: "
                        + content.length
                        + "\r\n"
                        + "Connection: close\r\n\r\n";
        out.write(head.getBytes(LATIN_1));
        if (withBody) {
            out.write(content);
        }
        out.flush();
    }

    private static void closeQuietly(Socket connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // Closing is all that was left to do.
        }
    }
}
