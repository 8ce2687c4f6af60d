package io.imdsguard.agent.check;

import io.imdsguard.agent.log.Sanitizer;

/**
 * Text from a report made safe inside HTML or XML, attribute values included: control characters
 * shown escaped, length capped, markup characters as entities, and characters XML forbids (lone
 * surrogates, U+FFFE, U+FFFF) replaced. A report can be crafted, and its paths come from requests
 * an attacker may have chosen, so nothing from it reaches markup any other way.
 */
final class Markup {

    private Markup() {}

    static String escape(String text, int maxLength) {
        String safe = Sanitizer.forLog(text, maxLength);
        StringBuilder out = new StringBuilder(safe.length() + 16);
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    if (Character.isHighSurrogate(c)
                            && i + 1 < safe.length()
                            && Character.isLowSurrogate(safe.charAt(i + 1))) {
                        out.append(c).append(safe.charAt(++i));
                    } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }

    static String escape(String text) {
        return escape(text, TextVerdict.MAX_TEXT);
    }
}
