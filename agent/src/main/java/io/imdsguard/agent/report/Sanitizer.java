package io.imdsguard.agent.report;

/**
 * Makes text that came from a request safe to print: an SSRF payload controls the path, and a
 * CR/LF in it must not forge log lines, nor may its length flood a report.
 */
public final class Sanitizer {

    public static final int MAX_PATH_LENGTH = 256;

    private Sanitizer() {
    }

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
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A request path as it may appear in any output. */
    public static String path(String path) {
        return forLog(path, MAX_PATH_LENGTH);
    }
}
