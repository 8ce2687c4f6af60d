package io.imdsguard.mockimds;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes flat JSON objects in the {@code "Key" : value} layout real IMDS uses, so clients that log
 * or parse it see the same shape.
 */
final class Json {

    private final List<String> members = new ArrayList<>();

    static Json object() {
        return new Json();
    }

    Json put(String key, String value) {
        members.add(quote(key) + " : " + (value == null ? "null" : quote(value)));
        return this;
    }

    @Override
    public String toString() {
        return members.isEmpty() ? "{}" : "{\n  " + String.join(",\n  ", members) + "\n}";
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
