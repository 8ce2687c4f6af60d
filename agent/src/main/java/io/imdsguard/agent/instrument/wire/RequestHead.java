package io.imdsguard.agent.instrument.wire;

import io.imdsguard.bootstrap.RelayHeaders;
import java.util.Locale;

/**
 * One HTTP/1 request head as the socket sniffer read it, parsed as leniently as servers read heads:
 * lines end in CRLF or a bare LF, and the request line's parts may be separated by runs of spaces
 * or tabs. What cannot be read that way is {@link #unreadable() unreadable}, with the reason, and
 * is never guessed at.
 */
final class RequestHead {

    final String method;
    final String target;
    final boolean carriesToken;
    final boolean relayed;

    /** The Host header's value, null when there is none. */
    final String host;

    /** Body bytes that follow the head, by {@code Content-Length}. */
    final long contentLength;

    /** A body the sniffer cannot step over (chunked, or any other transfer coding). */
    final boolean unknownBodyLength;

    /**
     * Where the token header goes: right after the request line, which ends here (its line break
     * included).
     */
    final int requestLineEnd;

    /** The request line's own line break, so that an inserted header matches it. */
    final String lineBreak;

    /** Why the head cannot be read, or null when it can. */
    final String unreadable;

    private RequestHead(
            String method,
            String target,
            boolean carriesToken,
            boolean relayed,
            String host,
            long contentLength,
            boolean unknownBodyLength,
            int requestLineEnd,
            String lineBreak,
            String unreadable) {
        this.method = method;
        this.target = target;
        this.carriesToken = carriesToken;
        this.relayed = relayed;
        this.host = host;
        this.contentLength = contentLength;
        this.unknownBodyLength = unknownBodyLength;
        this.requestLineEnd = requestLineEnd;
        this.lineBreak = lineBreak;
        this.unreadable = unreadable;
    }

    boolean unreadable() {
        return unreadable != null;
    }

    static RequestHead unreadable(String method, String target, String reason) {
        return new RequestHead(method, target, false, false, null, 0, false, 0, "\r\n", reason);
    }

    /**
     * The method and target of a request line, or null when it is not an HTTP/1 request line:
     * exactly three parts, separated by spaces or tabs, the last {@code HTTP/1.x}.
     */
    static String[] requestLine(String line) {
        String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        String[] parts = trimmed.trim().split("[ \t]+");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || parts[0].isEmpty()) {
            return null;
        }
        for (int i = 0; i < parts[0].length(); i++) {
            if (!isTokenChar(parts[0].charAt(i))) {
                return null;
            }
        }
        return parts;
    }

    /**
     * The method and target of a line that is no HTTP/1 request line but starts like one (a method
     * token, then a target), for the report only; null when it does not.
     */
    static String[] looseRequestLine(String line) {
        String[] parts = line.trim().split("[ \t]+");
        if (parts.length < 2 || parts[0].isEmpty()) {
            return null;
        }
        for (int i = 0; i < parts[0].length(); i++) {
            if (!isTokenChar(parts[0].charAt(i))) {
                return null;
            }
        }
        return new String[] {parts[0], parts[1]};
    }

    /** Whether {@code c} may appear in an HTTP method (an RFC 9110 token). */
    static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** Parses a complete head: {@code text} runs up to and including its blank line. */
    static RequestHead parse(String text) {
        int firstLf = text.indexOf('\n');
        String[] line = requestLine(text.substring(0, firstLf));
        if (line == null) {
            return unreadable(null, null, "not an HTTP/1 request line");
        }
        String lineBreak = firstLf > 0 && text.charAt(firstLf - 1) == '\r' ? "\r\n" : "\n";
        boolean token = false;
        boolean relayed = false;
        String host = null;
        long contentLength = -1;
        boolean unknownLength = false;
        for (String raw : text.substring(firstLf + 1).split("\n")) {
            String header = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("x-aws-ec2-metadata-token")) {
                token = true;
            } else if (RelayHeaders.isRelayHeader(name)) {
                relayed = true;
            } else if (name.equals("host")) {
                host = value;
            } else if (name.equals("content-length")) {
                long length = contentLength(value);
                if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                    // Where the body ends is unknown, and with it where the next request starts.
                    return unreadable(line[0], line[1], "bad Content-Length");
                }
                contentLength = length;
            } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                unknownLength = true;
            }
        }
        return new RequestHead(
                line[0],
                line[1],
                token,
                relayed,
                host,
                Math.max(contentLength, 0),
                unknownLength,
                firstLf + 1,
                lineBreak,
                null);
    }

    /** A Content-Length value: digits only, as HTTP defines it; -1 for anything else. */
    private static long contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(value);
    }
}
