package io.imdsguard.agent.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for reading reports back: objects become LinkedHashMaps, arrays
 * Lists, numbers Longs or Doubles. The agent ships no JSON library (one more thing to relocate),
 * and reports may come from anywhere, so anything that is not JSON is refused with a message that
 * says where: trailing commas, raw control characters in strings, bad escapes, duplicate keys,
 * trailing content, nesting deeper than {@link #MAX_DEPTH}.
 */
public final class JsonReader {

    /**
     * Reports nest four levels deep; far deeper input is hostile and must not overflow the stack.
     */
    static final int MAX_DEPTH = 64;

    /** Not JSON; {@link #truncated()} tells a cut-off file from a malformed one. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean truncated;

        SyntaxException(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }

        public boolean truncated() {
            return truncated;
        }
    }

    private final String text;
    private int pos;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    public static Object parse(String text) throws SyntaxException {
        JsonReader reader = new JsonReader(text);
        reader.whitespace();
        Object value = reader.value();
        reader.whitespace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected content after the JSON value");
        }
        return value;
    }

    private SyntaxException error(String what) {
        if (pos >= text.length()) {
            return new SyntaxException(
                    "the text ends before the JSON is complete ("
                            + what
                            + ", at "
                            + location()
                            + "); the file looks truncated",
                    true);
        }
        return new SyntaxException(what + " at " + location(), false);
    }

    private String location() {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }

    private void whitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
    }

    private Object value() throws SyntaxException {
        if (pos >= text.length()) {
            throw error("a value was expected");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + printable(c) + "'");
        }
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private void literal(String word) throws SyntaxException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= text.length() || text.charAt(pos + i) != word.charAt(i)) {
                pos += i;
                throw error("expected " + word);
            }
        }
        pos += word.length();
    }

    private void enter() throws SyntaxException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Map<String, Object> object() throws SyntaxException {
        enter();
        Map<String, Object> map = new LinkedHashMap<String, Object>();
        pos++; // {
        whitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            whitespace();
            if (peek() != '"') {
                throw error("expected a member name in quotes");
            }
            String name = string();
            whitespace();
            expect(':');
            whitespace();
            if (map.containsKey(name)) {
                throw error("duplicate member \"" + name + "\"");
            }
            map.put(name, value());
            whitespace();
            char next = peek();
            if (next == '}') {
                pos++;
                depth--;
                return map;
            }
            if (next != ',') {
                throw error("expected ',' or '}'");
            }
            pos++;
        }
    }

    private List<Object> array() throws SyntaxException {
        enter();
        List<Object> list = new ArrayList<Object>();
        pos++; // [
        whitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            whitespace();
            list.add(value());
            whitespace();
            char next = peek();
            if (next == ']') {
                pos++;
                depth--;
                return list;
            }
            if (next != ',') {
                throw error("expected ',' or ']'");
            }
            pos++;
        }
    }

    private String string() throws SyntaxException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("raw control character " + printable(c) + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"':
                    out.append('"');
                    break;
                case '\\':
                    out.append('\\');
                    break;
                case '/':
                    out.append('/');
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    if (pos + 4 > text.length()) {
                        pos = text.length();
                        throw error("short \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos + i), 16);
                        if (digit < 0) {
                            throw error("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    pos += 4;
                    out.append((char) code);
                    break;
                default:
                    pos--;
                    throw error("bad escape \\" + printable(e));
            }
        }
    }

    private Number number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (peek() >= '1' && peek() <= '9') {
            digits();
        } else {
            throw error("bad number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!(peek() >= '0' && peek() <= '9')) {
                throw error("bad fraction");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!(peek() >= '0' && peek() <= '9')) {
                throw error("bad exponent");
            }
            digits();
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.valueOf(literal);
            } catch (NumberFormatException tooBig) {
                return Double.valueOf(literal);
            }
        }
        return Double.valueOf(literal);
    }

    private void digits() {
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }
}
