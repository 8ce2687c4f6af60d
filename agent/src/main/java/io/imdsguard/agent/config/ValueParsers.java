package io.imdsguard.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The few value types the agent's keys use. */
final class ValueParsers {

    private ValueParsers() {
    }

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
                if ("rewrite".equals(value) || "enforce".equals(value)) {
                    throw new ConfigException("mode '" + value + "' is not available in this version yet");
                }
                throw new ConfigException("unknown mode '" + raw + "'");
            }

            @Override
            public String accepted() {
                return "report";
            }
        };
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
                    if (uri.getHost() == null || scheme == null
                            || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
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
}
