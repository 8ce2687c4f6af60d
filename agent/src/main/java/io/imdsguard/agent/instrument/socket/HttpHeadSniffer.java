package io.imdsguard.agent.instrument.socket;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * Wraps the output stream of a socket connected to IMDS. It holds back each HTTP/1 request head
 * until it is complete, lets the agent judge it (and, in rewrite or enforce mode, add the token
 * header), then writes it on, followed by the body untouched. Anything it cannot follow (not HTTP,
 * a chunked body, a head over 16 KB, an internal error) switches it to passing bytes through as they
 * come, unchanged, for the rest of the connection.
 */
final class HttpHeadSniffer extends FilterOutputStream {

    /** Judges one request head; returns the token header value to add, or null. */
    interface HeadHandler {
        String onHead(String method, String path, boolean carriesToken, boolean forwardedFor);

        /** {@link #onHead(String, String, boolean, boolean)} with the head's Host header (null if none). */
        default String onHead(String method, String path, boolean carriesToken, boolean forwardedFor, String host) {
            return onHead(method, path, carriesToken, forwardedFor);
        }

        void failed(Throwable error);
    }

    static final int MAX_HEAD = 16 * 1024;
    private static final Charset LATIN_1 = Charset.forName("ISO-8859-1");
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private final HeadHandler handler;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private long bodyRemaining;
    private boolean passThrough;
    /** The last four bytes of the pending head, to spot its blank-line end without rescanning. */
    private int lastFour;

    HttpHeadSniffer(OutputStream out, HeadHandler handler) {
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

    /** Adds bytes to the pending head up to its end; completes the head when the end is reached. */
    private int appendToHead(byte[] bytes, int off, int len) throws IOException {
        if (head.size() == 0 && (bytes[off] < 'A' || bytes[off] > 'Z')) {
            // Not the start of an HTTP/1 request line (TLS to an https endpoint, say): never held, never read.
            passThrough = true;
            out.write(bytes, off, len);
            return len;
        }
        int room = MAX_HEAD + 1 - head.size();
        for (int i = 0; i < len; i++) {
            lastFour = (lastFour << 8) | (bytes[off + i] & 0xff);
            if (lastFour == 0x0d0a0d0a) {
                head.write(bytes, off, i + 1);
                completeHead();
                return i + 1;
            }
            if (i + 1 >= room) {
                head.write(bytes, off, i + 1);
                giveUp();
                return i + 1;
            }
        }
        head.write(bytes, off, len);
        return len;
    }

    private void completeHead() throws IOException {
        byte[] raw = head.toByteArray();
        head.reset();
        lastFour = 0;
        byte[] toSend = raw;
        try {
            toSend = judge(new String(raw, LATIN_1));
        } catch (Throwable t) {
            handler.failed(t);
            passThrough = true;
        }
        out.write(toSend);
    }

    /** Parses the head, asks the handler, and returns the bytes to send. */
    private byte[] judge(String text) {
        int firstLineEnd = text.indexOf("\r\n");
        String[] requestLine = text.substring(0, firstLineEnd).split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            passThrough = true;
            return text.getBytes(LATIN_1);
        }
        boolean token = false;
        boolean forwarded = false;
        long contentLength = 0;
        String host = null;
        for (String line : text.substring(firstLineEnd + 2).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("x-aws-ec2-metadata-token")) {
                token = true;
            } else if (name.equals("x-forwarded-for")) {
                forwarded = true;
            } else if (name.equals("host")) {
                host = value;
            } else if (name.equals("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                // A chunked body cannot be followed without parsing it; the next head is not found.
                passThrough = true;
            }
        }
        bodyRemaining = contentLength;
        String tokenHeader = handler.onHead(requestLine[0], pathOf(requestLine[1]), token, forwarded, host);
        if (tokenHeader == null) {
            return text.getBytes(LATIN_1);
        }
        return (text.substring(0, firstLineEnd + 2) + TOKEN_HEADER + ": " + tokenHeader + "\r\n"
                + text.substring(firstLineEnd + 2)).getBytes(LATIN_1);
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

    private void giveUp() throws IOException {
        passThrough = true;
        byte[] pending = head.toByteArray();
        head.reset();
        lastFour = 0;
        out.write(pending);
    }

    @Override
    public synchronized void close() throws IOException {
        if (head.size() > 0) {
            giveUp();
        }
        super.close();
    }
}
