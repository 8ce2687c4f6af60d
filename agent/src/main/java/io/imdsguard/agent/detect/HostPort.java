package io.imdsguard.agent.detect;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** An endpoint override's host and port, normalised so that it can be compared with a request's. */
final class HostPort {

    final String host;
    final int port;

    /**
     * The host's addresses, resolved on first use: an endpoint name costs one lookup, not one per
     * connection.
     */
    private volatile InetAddress[] addresses;

    private HostPort(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Parses an endpoint such as {@code http://127.0.0.1:1338/}; null when it has no usable host.
     */
    static HostPort parse(String endpoint) {
        if (endpoint == null || endpoint.trim().isEmpty()) {
            return null;
        }
        try {
            return of(new URI(endpoint.trim()));
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /**
     * The host and port an HTTP/1 {@code Host} header names, the port 80 of plain HTTP when it
     * gives none (the connection backstop reads only plain HTTP); null when it is empty or its port
     * is not a number. An IPv6 literal keeps its brackets in the header ({@code
     * [fd00:ec2::254]:80}); a bare one (no brackets, several colons) is read as a host without a
     * port.
     */
    static HostPort fromHostHeader(String value) {
        if (value == null) {
            return null;
        }
        String name = value.trim();
        int port = 80;
        int colon = name.lastIndexOf(':');
        if (colon > 0
                && name.indexOf(']') < colon
                && (name.indexOf(':') == colon || name.startsWith("["))) {
            String digits = name.substring(colon + 1);
            if (digits.isEmpty() || digits.length() > 5) {
                return null;
            }
            for (int i = 0; i < digits.length(); i++) {
                if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                    return null;
                }
            }
            port = Integer.parseInt(digits);
            name = name.substring(0, colon);
        }
        String host = normalise(name);
        return host.isEmpty() ? null : new HostPort(host, port);
    }

    static HostPort of(URI uri) {
        if (uri == null || uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return new HostPort(normalise(uri.getHost()), port);
    }

    boolean matches(String normalisedHost, int requestPort) {
        return port == requestPort && host.equals(normalisedHost);
    }

    /**
     * Whether a connection to {@code address:port} reaches this endpoint. The port is compared
     * first, so a connection to any other port never resolves the endpoint's name.
     */
    boolean matchesAddress(InetAddress address, int requestPort) {
        if (port != requestPort) {
            return false;
        }
        InetAddress[] known = addresses;
        if (known == null) {
            known = resolve();
            addresses = known;
        }
        for (InetAddress candidate : known) {
            if (candidate.equals(address)) {
                return true;
            }
        }
        return false;
    }

    private InetAddress[] resolve() {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            // An endpoint that does not resolve cannot be connected to by that name either.
            return new InetAddress[0];
        }
    }

    /** Lower case, no IPv6 brackets, no trailing dot of a fully qualified name. */
    static String normalise(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
