package io.imdsguard.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The few value types the agent's keys use. */
final class ValueParsers {

    private ValueParsers() {}

    static ValueParser mode() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim().toLowerCase(Locale.ROOT);
                for (Mode mode : Mode.values()) {
                    if (mode.id().equals(value)) {
                        return mode;
                    }
                }
                throw new ConfigException("unknown mode '" + raw + "'");
            }

            @Override
            public String accepted() {
                return "report, rewrite or enforce";
            }
        };
    }

    /**
     * A duration such as {@code 1s}, {@code 500ms} or {@code 1.5s}; a bare number is milliseconds.
     * Parsed to milliseconds.
     */
    static ValueParser duration(final long minMillis, final long maxMillis) {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim().toLowerCase(Locale.ROOT);
                double factor = 1;
                if (value.endsWith("ms")) {
                    value = value.substring(0, value.length() - 2);
                } else if (value.endsWith("s")) {
                    value = value.substring(0, value.length() - 1);
                    factor = 1000;
                }
                long millis;
                try {
                    millis = Math.round(Double.parseDouble(value.trim()) * factor);
                } catch (NumberFormatException e) {
                    throw new ConfigException("'" + raw + "' is not a duration");
                }
                if (millis < minMillis || millis > maxMillis) {
                    throw new ConfigException("'" + raw + "' is out of range");
                }
                return millis;
            }

            @Override
            public String accepted() {
                return "a duration from "
                        + minMillis
                        + "ms to "
                        + (maxMillis / 1000)
                        + "s, such as 500ms or 2s";
            }
        };
    }

    /**
     * Class or package prefixes, separated by {@code ;} (or {@code ,} outside agent arguments,
     * where a comma already separates keys), or {@code *} for every caller.
     */
    static ValueParser callerPrefixes() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                java.util.List<String> prefixes = new java.util.ArrayList<String>();
                int start = 0;
                while (start <= raw.length()) {
                    int end = nextSeparator(raw, start);
                    String prefix = raw.substring(start, end).trim();
                    start = end + 1;
                    if (prefix.isEmpty()) {
                        continue;
                    }
                    if (!prefix.equals("*") && !isClassOrPackagePrefix(prefix)) {
                        throw new ConfigException(
                                "'" + prefix + "' is not a class or package name");
                    }
                    String library =
                            prefix.equals("*") ? null : CallerScope.knownLibraryEntry(prefix);
                    if (library != null) {
                        throw new ConfigException(
                                "'"
                                        + prefix
                                        + "' names code of the JDK or of an HTTP client library ("
                                        + library
                                        + "), which sends requests to whatever URL it is given: trusting it would"
                                        + " hand the IMDSv2 token to every caller, a request forged through an SSRF flaw"
                                        + " included. Name the application class that calls it: the call site the report names");
                    }
                    prefixes.add(prefix);
                }
                if (prefixes.isEmpty()) {
                    throw new ConfigException("no prefix given");
                }
                if (prefixes.contains("*") && prefixes.size() > 1) {
                    throw new ConfigException("'*' already means every caller; give it alone");
                }
                return java.util.Collections.unmodifiableList(prefixes);
            }

            @Override
            public String accepted() {
                return "class or package prefixes separated by ';' (e.g. com.acme.legacy.;com.amazonaws.), or *";
            }
        };
    }

    /** Where the part starting at {@code from} ends: at the next ';' or ',', or the end. */
    private static int nextSeparator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ';' || c == ',') {
                return i;
            }
        }
        return text.length();
    }

    /**
     * Java identifiers joined by dots, such as {@code com.acme.} or {@code com.acme.Client$Inner}.
     * Checked by hand, not by a regular expression: one with Unicode classes makes the JDK spin
     * lambda classes, milliseconds of every start.
     */
    static boolean isClassOrPackagePrefix(String prefix) {
        if (!Character.isJavaIdentifierStart(prefix.charAt(0))) {
            return false;
        }
        for (int i = 1; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c != '.'
                    && (!Character.isJavaIdentifierPart(c) || Character.isIdentifierIgnorable(c))) {
                return false;
            }
        }
        return true;
    }

    static ValueParser text() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim();
                if (value.isEmpty()) {
                    throw new ConfigException("empty value");
                }
                return value;
            }

            @Override
            public String accepted() {
                return "a non-empty text";
            }
        };
    }

    static ValueParser path() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim();
                if (value.isEmpty()) {
                    throw new ConfigException("empty path");
                }
                return value;
            }

            @Override
            public String accepted() {
                return "a file path";
            }
        };
    }

    static ValueParser integer(final int min, final int max, final String what) {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                int value;
                try {
                    value = Integer.parseInt(raw.trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException("'" + raw + "' is not a number");
                }
                if (value < min || value > max) {
                    throw new ConfigException(value + " is out of range");
                }
                return value;
            }

            @Override
            public String accepted() {
                return what + " from " + min + " to " + max;
            }
        };
    }

    static ValueParser bool() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim().toLowerCase(Locale.ROOT);
                if ("true".equals(value)) {
                    return Boolean.TRUE;
                }
                if ("false".equals(value)) {
                    return Boolean.FALSE;
                }
                throw new ConfigException("'" + raw + "' is not a boolean");
            }

            @Override
            public String accepted() {
                return "true or false";
            }
        };
    }

    /** An HTTP endpoint such as {@code http://127.0.0.1:1338}, the form the AWS SDKs accept. */
    static ValueParser endpoint() {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                try {
                    URI uri = new URI(raw.trim());
                    String scheme = uri.getScheme();
                    if (uri.getHost() == null
                            || scheme == null
                            || !("http".equalsIgnoreCase(scheme)
                                    || "https".equalsIgnoreCase(scheme))) {
                        throw new ConfigException("'" + raw + "' is not an http URL with a host");
                    }
                    return uri;
                } catch (URISyntaxException e) {
                    throw new ConfigException("'" + raw + "' is not a URL");
                }
            }

            @Override
            public String accepted() {
                return "an http URL such as http://127.0.0.1:1338";
            }
        };
    }

    /** One of a few fixed words, compared without case; parsed to the lower-case word. */
    static ValueParser oneOf(final String... words) {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim().toLowerCase(Locale.ROOT);
                for (String word : words) {
                    if (word.equals(value)) {
                        return word;
                    }
                }
                throw new ConfigException("'" + raw + "' is not one of them");
            }

            @Override
            public String accepted() {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < words.length; i++) {
                    text.append(i == 0 ? "" : i == words.length - 1 ? " or " : ", ")
                            .append(words[i]);
                }
                return text.toString();
            }
        };
    }

    /** A full http or https URL with a host, such as a collector's; parsed to its text. */
    static ValueParser httpUrl(final String example) {
        return new ValueParser() {
            @Override
            public Object parse(String raw) throws ConfigException {
                String value = raw.trim();
                try {
                    URI uri = new URI(value);
                    String scheme = uri.getScheme();
                    if (uri.getHost() == null
                            || scheme == null
                            || !("http".equalsIgnoreCase(scheme)
                                    || "https".equalsIgnoreCase(scheme))) {
                        throw new ConfigException("'" + raw + "' is not an http URL with a host");
                    }
                    return value;
                } catch (URISyntaxException e) {
                    throw new ConfigException("'" + raw + "' is not a URL");
                }
            }

            @Override
            public String accepted() {
                return "an http or https URL such as " + example;
            }
        };
    }
}
