package io.imdsguard.agent.scan;

import java.util.Locale;

/**
 * What a string constant in a class file says about IMDS. Matched on the lower-cased constant: HTTP
 * header names are case-insensitive, and the SDKs spell the token header both ways.
 */
enum ImdsMarker {
    /**
     * The service's address or host name: {@code 169.254.169.254}, {@code fd00:ec2::254}, {@code
     * instance-data}.
     */
    ADDRESS,
    /** A read path: {@code latest/meta-data}, {@code latest/dynamic}, {@code latest/user-data}. */
    PATH,
    /** The session token's path, {@code latest/api/token}: the code speaks IMDSv2. */
    TOKEN_PATH,
    /** The token headers, {@code X-aws-ec2-metadata-token} (and its {@code -ttl-seconds}). */
    TOKEN_HEADER;

    /**
     * The marker a constant carries, the token ones first; null for a constant that names no IMDS.
     */
    static ImdsMarker of(String constant) {
        if (constant == null
                || constant.length() < 13
                || constant.length() > 4096
                || !mayNameImds(constant)) {
            return null;
        }
        String text = constant.toLowerCase(Locale.ROOT);
        if (text.contains("x-aws-ec2-metadata-token")) {
            return TOKEN_HEADER;
        }
        if (text.contains("latest/api/token")) {
            return TOKEN_PATH;
        }
        if (text.contains("latest/meta-data")
                || text.contains("latest/dynamic")
                || text.contains("latest/user-data")) {
            return PATH;
        }
        if (text.contains("169.254.169.254")
                || text.contains("fd00:ec2::254")
                || isInstanceDataHost(text)) {
            return ADDRESS;
        }
        return null;
    }

    /**
     * A cheap first look, without a lower-cased copy: a class has hundreds of constants and almost
     * none names IMDS. Paths are case-sensitive on the wire; the address and header may be in any
     * case.
     */
    private static boolean mayNameImds(String constant) {
        return constant.indexOf("latest/") >= 0
                || constant.indexOf("169.254.169.254") >= 0
                || constant.indexOf("instance-data") >= 0
                || containsIgnoreCase(constant, "ec2::254")
                || containsIgnoreCase(constant, "metadata-token");
    }

    private static boolean containsIgnoreCase(String text, String lowerCaseWord) {
        char first = lowerCaseWord.charAt(0);
        for (int i = 0; i + lowerCaseWord.length() <= text.length(); i++) {
            char c = text.charAt(i);
            if ((c == first || Character.toLowerCase(c) == first)
                    && text.regionMatches(true, i, lowerCaseWord, 0, lowerCaseWord.length())) {
                return true;
            }
        }
        return false;
    }

    /** {@code instance-data} as a host name, not any text with those words in it. */
    private static boolean isInstanceDataHost(String text) {
        int at = text.indexOf("instance-data");
        while (at >= 0) {
            boolean startsHost =
                    at == 0 || text.charAt(at - 1) == '/' || text.charAt(at - 1) == '@';
            int end = at + "instance-data".length();
            boolean endsHost =
                    end == text.length()
                            || text.charAt(end) == '/'
                            || text.charAt(end) == ':'
                            || text.charAt(end) == '.';
            if (startsHost && endsHost) {
                return true;
            }
            at = text.indexOf("instance-data", at + 1);
        }
        return false;
    }

    boolean isToken() {
        return this == TOKEN_PATH || this == TOKEN_HEADER;
    }
}
