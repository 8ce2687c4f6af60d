package io.imdsguard.agent.instrument.wire;

import io.imdsguard.agent.detect.ImdsRequest;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * The one reader of HTTP/1 request heads on a connection to IMDS, for blocking sockets and NIO
 * channels alike. Wrapping the output stream of a socket connected to IMDS, it holds back each
 * HTTP/1 request head until it is complete, lets the agent judge it (and, in rewrite or enforce
 * mode, add the token header), then writes it on, followed by the body untouched. A head ends at
 * its first empty line, whether lines end in CRLF or a bare LF, as servers read it.
 *
 * <p>A request it cannot read (a first line that is not an HTTP/1 request line, a head over {@link
 * #MAX_HEAD}, a bad {@code Content-Length}) is never held and never changed: it is reported as
 * {@code unparsed}, and then either sent on as it came, with everything after it on the connection,
 * or, when the agent refuses it (mode=enforce: it must not reach IMDS as v1), dropped with an
 * {@link IOException} for this and every later write. A chunked body or an internal error also
 * switches it to passing bytes through unchanged for the rest of the connection.
 *
 * <p>The NIO backstop cannot hold bytes a channel write already has in its buffers: it feeds a copy
 * of each write to a sniffer over a stream that discards, so that a head split over several writes
 * is read by the same rules, and refuses the write that would complete a request it must refuse.
 */
public final class HttpHeadSniffer extends FilterOutputStream {

    /** Judges one request head; returns the token header value to add, or null. */
    public interface HeadHandler {
        String onHead(String method, String path, boolean carriesToken, boolean relayed);

        /**
         * {@link #onHead(String, String, boolean, boolean)} with the head's Host header (null if
         * none).
         */
        default String onHead(
                String method, String path, boolean carriesToken, boolean relayed, String host) {
            return onHead(method, path, carriesToken, relayed);
        }

        /**
         * A request the sniffer cannot read. {@code method} and {@code path} are null when not
         * known.
         *
         * @param requestLineRead true when {@code method} and {@code path} come from a request line
         *     read whole as HTTP/1 (the head is unreadable further on), so that they name the
         *     request exactly; false when they are a guess for the report, or null
         * @return true to refuse it: it is dropped and the write fails
         */
        boolean onUnparsed(String method, String path, boolean requestLineRead, String reason);

        void failed(Throwable error);
    }

    public static final int MAX_HEAD = 16 * 1024;
    public static final String REFUSED =
            "imds-guard refused a request to IMDS that it could not read"
                    + " (mode=enforce: it must not reach IMDS as IMDSv1): ";
    private static final Charset LATIN_1 = Charset.forName("ISO-8859-1");

    /** The first byte of a TLS record carrying a handshake, as a ClientHello starts. */
    private static final byte TLS_HANDSHAKE = 0x16;

    private final HeadHandler handler;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private long bodyRemaining;
    private boolean passThrough;

    /** Why the connection was refused, or null; every write fails once it is set. */
    private String refused;

    /** Whether the pending head's request line is complete. */
    private boolean firstLineDone;

    /** Whether the request line so far has a space or tab, i.e. its method is complete. */
    private boolean methodDone;

    /**
     * Bytes other than CR in the current line of the pending head: 0 at an LF means an empty line.
     */
    private int lineLength;

    public HttpHeadSniffer(OutputStream out, HeadHandler handler) {
        super(out);
        this.handler = handler;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        int off = offset;
        int len = length;
        while (len > 0) {
            if (refused != null) {
                throw new IOException(REFUSED + refused);
            }
            if (passThrough) {
                out.write(bytes, off, len);
                return;
            }
            if (bodyRemaining > 0) {
                int n = (int) Math.min(len, bodyRemaining);
                out.write(bytes, off, n);
                bodyRemaining -= n;
                off += n;
                len -= n;
                continue;
            }
            int consumed = appendToHead(bytes, off, len);
            off += consumed;
            len -= consumed;
        }
    }

    /**
     * Adds bytes to the pending head up to the point where something is decided: the head is
     * complete, or it cannot be an HTTP/1 request head. Returns how many bytes it took.
     */
    private int appendToHead(byte[] bytes, int off, int len) throws IOException {
        if (head.size() == 0 && bytes[off] == TLS_HANDSHAKE) {
            // TLS to an https endpoint: no HTTP/1 head to read, and no request IMDS could answer.
            passThrough = true;
            out.write(bytes, off, len);
            return len;
        }
        for (int i = 0; i < len; i++) {
            int b = bytes[off + i] & 0xff;
            head.write(b);
            if (b == '\n') {
                if (lineLength == 0 && !firstLineDone) {
                    // Empty lines before a request line are ignored by servers: send them on at
                    // once.
                    sendPending();
                } else if (!firstLineDone) {
                    firstLineDone = true;
                    lineLength = 0;
                    String line = new String(head.toByteArray(), 0, head.size() - 1, LATIN_1);
                    if (RequestHead.requestLine(line) == null) {
                        String[] loose = RequestHead.looseRequestLine(line);
                        unparsed(
                                loose == null ? null : loose[0],
                                loose == null ? null : loose[1],
                                false,
                                "not an HTTP/1 request line");
                        return i + 1;
                    }
                } else if (lineLength == 0) {
                    completeHead();
                    return i + 1;
                } else {
                    lineLength = 0;
                }
            } else if (b != '\r') {
                if (!firstLineDone && !methodDone) {
                    if (b == ' ' || b == '\t') {
                        methodDone = lineLength > 0;
                    } else if (!RequestHead.isTokenChar(b)) {
                        // No HTTP request starts so: decided now, never held waiting for a line
                        // end.
                        unparsed(null, null, false, "not an HTTP/1 request line");
                        return i + 1;
                    }
                }
                lineLength++;
            }
            if (head.size() > MAX_HEAD) {
                String[] line = firstLineDone ? RequestHead.requestLine(firstLine()) : null;
                unparsed(
                        line == null ? null : line[0],
                        line == null ? null : line[1],
                        line != null,
                        "request head over " + MAX_HEAD / 1024 + " KB");
                return i + 1;
            }
        }
        return len;
    }

    private String firstLine() {
        String text = new String(head.toByteArray(), LATIN_1);
        int lf = text.indexOf('\n');
        return lf < 0 ? text : text.substring(0, lf);
    }

    private void completeHead() throws IOException {
        byte[] raw = takePending();
        byte[] toSend = raw;
        try {
            String text = new String(raw, LATIN_1);
            RequestHead parsed = RequestHead.parse(text);
            if (parsed.unreadable()) {
                decideUnparsed(
                        raw,
                        parsed.method,
                        parsed.target,
                        parsed.method != null,
                        parsed.unreadable);
                return;
            }
            toSend = judge(text, parsed);
        } catch (Throwable t) {
            handler.failed(t);
            passThrough = true;
        }
        out.write(toSend);
    }

    /** Asks the handler about a readable head, and returns the bytes to send. */
    private byte[] judge(String text, RequestHead parsed) {
        bodyRemaining = parsed.contentLength;
        if (parsed.unknownBodyLength) {
            // A chunked body cannot be followed without parsing it; the next head is not found.
            passThrough = true;
        }
        String tokenHeader =
                handler.onHead(
                        parsed.method,
                        pathOf(parsed.target),
                        parsed.carriesToken,
                        parsed.relayed,
                        parsed.host);
        if (tokenHeader == null) {
            return text.getBytes(LATIN_1);
        }
        return (text.substring(0, parsed.requestLineEnd)
                        + ImdsRequest.TOKEN_HEADER
                        + ": "
                        + tokenHeader
                        + parsed.lineBreak
                        + text.substring(parsed.requestLineEnd))
                .getBytes(LATIN_1);
    }

    /** The pending bytes cannot be read as a request head: decide about them now. */
    private void unparsed(String method, String target, boolean requestLineRead, String reason)
            throws IOException {
        decideUnparsed(takePending(), method, target, requestLineRead, reason);
    }

    private void decideUnparsed(
            byte[] pending, String method, String target, boolean requestLineRead, String reason)
            throws IOException {
        boolean refuse = false;
        try {
            refuse =
                    handler.onUnparsed(
                            method,
                            target == null ? null : pathOf(target),
                            requestLineRead,
                            reason);
        } catch (Throwable t) {
            handler.failed(t);
        }
        if (refuse) {
            refused = reason;
            throw new IOException(REFUSED + reason);
        }
        // Where this request ends is unknown, and so is where the next one starts.
        passThrough = true;
        out.write(pending);
    }

    /** The path of an origin-form or absolute-form request target. */
    static String pathOf(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    /**
     * Whether every later byte goes on unread: the rest of the connection is not HTTP/1 the sniffer
     * can follow.
     */
    public synchronized boolean passingThrough() {
        return passThrough && refused == null;
    }

    private byte[] takePending() {
        byte[] pending = head.toByteArray();
        head.reset();
        firstLineDone = false;
        methodDone = false;
        lineLength = 0;
        return pending;
    }

    private void sendPending() throws IOException {
        out.write(takePending());
    }

    @Override
    public synchronized void close() throws IOException {
        if (head.size() > 0 && refused == null) {
            // A head cut short is no request a server would answer: it goes on as it came.
            passThrough = true;
            out.write(takePending());
        }
        super.close();
    }
}
