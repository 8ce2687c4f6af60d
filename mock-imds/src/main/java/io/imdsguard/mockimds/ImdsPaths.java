package io.imdsguard.mockimds;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits a request path into what IMDS routes on: the version root and the token endpoint. */
final class ImdsPaths {

    static final String LATEST_TOKEN_PATH = "/latest/api/token";

    /** "latest", the legacy "1.0", or a dated API version such as 2021-03-23. */
    private static final Pattern VERSIONED =
            Pattern.compile("^/(latest|1\\.0|\\d{4}-\\d{2}-\\d{2})(/.*)?$");

    enum Type {
        ROOT,
        TOKEN,
        METADATA,
        UNKNOWN
    }

    /**
     * @param relative for METADATA, the path below the version root without a leading slash
     * @param latest whether the version is "latest" (only that token path issues tokens)
     */
    record Parsed(Type type, String relative, boolean latest) {}

    private ImdsPaths() {}

    static Parsed parse(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return new Parsed(Type.ROOT, "", false);
        }
        Matcher m = VERSIONED.matcher(rawPath);
        if (!m.matches()) {
            return new Parsed(Type.UNKNOWN, "", false);
        }
        boolean latest = m.group(1).equals("latest");
        String rest = m.group(2) == null ? "" : m.group(2).substring(1);
        if (rest.equals("api/token")) {
            return new Parsed(Type.TOKEN, rest, latest);
        }
        return new Parsed(Type.METADATA, rest, latest);
    }
}
