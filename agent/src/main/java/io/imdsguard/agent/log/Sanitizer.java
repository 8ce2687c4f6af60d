package io.imdsguard.agent.log;

/**
 * Makes text that came from a request safe to print: an SSRF payload controls the path, and a CR/LF
 * in it must not forge log lines, nor may its length flood a report.
 */
public final class Sanitizer {

    public static final int MAX_PATH_LENGTH = 256;

    private Sanitizer() {}

    /** Control characters escaped (CR as {@code \r}, LF as {@code \n}), length capped. */
    public static String forLog(String text, int maxLength) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= maxLength) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (mustEscape(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * C0 and C1 controls (a terminal acts on C1 CSI just like ESC [), Unicode line and paragraph
     * separators, and the bidirectional overrides and isolates that make text display in another
     * order than it is stored ("Trojan Source"), so a log line cannot look other than it is.
     */
    static boolean mustEscape(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e'
                || c == '\u200f'
                || c == '\u061c';
    }

    /** A request path as it may appear in any output. */
    public static String path(String path) {
        return forLog(path, MAX_PATH_LENGTH);
    }
}
