package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.bootstrap.RelayHeaders;

import java.nio.ByteBuffer;
import java.util.Locale;

/** An HTTP/1 request head read from the buffers of one channel write, without consuming them. */
final class RequestHead {

    final String method;
    final String path;
    final boolean carriesToken;
    final boolean relayed;
    final String host;

    private RequestHead(String method, String path, boolean carriesToken, boolean relayed, String host) {
        this.method = method;
        this.path = path;
        this.carriesToken = carriesToken;
        this.relayed = relayed;
        this.host = host;
    }

    /**
     * The text of a complete head at the start of the written bytes, up to its blank line, or null when
     * the write does not start with one (a body, the rest of a head, anything not HTTP/1).
     */
    static String read(ByteBuffer single, ByteBuffer[] sources, int offset, int length, int max) {
        StringBuilder text = new StringBuilder(256);
        if (single != null) {
            append(text, single, max);
        } else if (sources != null) {
            for (int i = offset; i < offset + length && i < sources.length; i++) {
                if (sources[i] != null && !append(text, sources[i], max)) {
                    break;
                }
            }
        }
        return headIn(text);
    }

    /** Appends the buffer's remaining bytes as Latin-1; false to stop: not a head, its end, or {@code max}. */
    private static boolean append(StringBuilder text, ByteBuffer buffer, int max) {
        ByteBuffer view = buffer.duplicate();
        while (view.hasRemaining()) {
            if (text.length() >= max) {
                return false;
            }
            char c = (char) (view.get() & 0xff);
            text.append(c);
            int n = text.length();
            if (n == 1 && (c < 'A' || c > 'Z')) {
                return false;
            }
            if (c == '\n' && n >= 4 && text.charAt(n - 2) == '\r' && text.charAt(n - 3) == '\n') {
                return false;
            }
        }
        return true;
    }

    private static String headIn(StringBuilder text) {
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? null : text.substring(0, end + 2);
    }

    /** Null when the first line is not an HTTP/1 request line. */
    static RequestHead parse(String head) {
        int lineEnd = head.indexOf("\r\n");
        String[] requestLine = head.substring(0, lineEnd).split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return null;
        }
        boolean token = false;
        boolean relayed = false;
        String host = null;
        for (String line : head.substring(lineEnd + 2).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("x-aws-ec2-metadata-token")) {
                token = true;
            } else if (RelayHeaders.isRelayHeader(name)) {
                relayed = true;
            } else if (name.equals("host")) {
                host = line.substring(colon + 1).trim();
            }
        }
        return new RequestHead(requestLine[0], pathOf(requestLine[1]), token, relayed, host);
    }

    private static String pathOf(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    /** Whether the Host header names IMDS, as a redirect's Location into IMDS would. */
    boolean hostNamesImds(ImdsEndpoints endpoints) {
        if (host == null) {
            return false;
        }
        String name = host;
        int port = 80;
        int colon = name.lastIndexOf(':');
        if (colon > 0 && name.indexOf(']') < colon && (name.indexOf(':') == colon || name.startsWith("["))) {
            try {
                port = Integer.parseInt(name.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            name = name.substring(0, colon);
        }
        return endpoints.isImds(name, port);
    }
}
