package io.imdsguard.agent.detect;

/**
 * The scheme, host, port and path of an absolute URL string, split by hand: this runs for every
 * request of every instrumented library, and {@code java.net.URI} would parse (and allocate) far
 * more than the IMDS check needs.
 */
public final class UrlParts {

    private final String scheme;
    private final String host;
    private final int port;
    private final String path;

    private UrlParts(String scheme, String host, int port, String path) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** 80 for http, 443 for https, -1 for any other scheme (not one this agent follows). */
    public static int defaultPort(String scheme) {
        if ("http".equalsIgnoreCase(scheme)) {
            return 80;
        }
        return "https".equalsIgnoreCase(scheme) ? 443 : -1;
    }

    /** The parts, or null when {@code url} is not an absolute http(s) URL with a host. */
    public static UrlParts parse(String url) {
        if (url == null) {
            return null;
        }
        int colon = url.indexOf("://");
        if (colon <= 0) {
            return null;
        }
        String scheme = url.substring(0, colon);
        int defaultPort = defaultPort(scheme);
        if (defaultPort < 0) {
            return null;
        }
        int start = colon + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = authority.substring(0, close + 1);
            if (close + 1 < authority.length() && authority.charAt(close + 1) == ':') {
                portText = authority.substring(close + 2);
            }
        } else {
            int portColon = authority.lastIndexOf(':');
            host = portColon >= 0 ? authority.substring(0, portColon) : authority;
            portText = portColon >= 0 ? authority.substring(portColon + 1) : null;
        }
        if (host.isEmpty()) {
            return null;
        }
        int port = defaultPort;
        if (portText != null && !portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        int hash = url.indexOf('#', end);
        String path = url.substring(end, hash >= 0 ? hash : url.length());
        return new UrlParts(
                scheme.toLowerCase(java.util.Locale.ROOT), host, port, path.isEmpty() ? "/" : path);
    }

    public String scheme() {
        return scheme;
    }

    /** The host as written; IPv6 literals keep their brackets. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Path and query, at least {@code /}. */
    public String path() {
        return path;
    }

    public String origin() {
        return ImdsRequest.origin(scheme, host, port);
    }
}
