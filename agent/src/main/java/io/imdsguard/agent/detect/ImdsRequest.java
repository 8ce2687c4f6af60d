package io.imdsguard.agent.detect;

/**
 * What the agent knows of one request to IMDS. It holds whether a token is present, never the token
 * itself, so nothing built from it can leak one.
 */
public final class ImdsRequest {

    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private final String client;
    private final String method;
    private final String path;
    private final boolean carriesToken;
    private final boolean relayed;
    private final String origin;
    private final boolean unparsed;
    private final String indirect;
    private final Object clientRoute;

    public ImdsRequest(
            String client, String method, String path, boolean carriesToken, boolean relayed) {
        this(client, method, path, carriesToken, relayed, null);
    }

    /**
     * @param relayed whether it carries any {@link io.imdsguard.bootstrap.RelayHeaders relay
     *     header}
     * @param origin scheme, host and port of the target, e.g. {@code http://169.254.169.254:80}:
     *     where the agent asks for a token when it rewrites this request
     */
    public ImdsRequest(
            String client,
            String method,
            String path,
            boolean carriesToken,
            boolean relayed,
            String origin) {
        this(client, method, path, carriesToken, relayed, origin, false);
    }

    private ImdsRequest(
            String client,
            String method,
            String path,
            boolean carriesToken,
            boolean relayed,
            String origin,
            boolean unparsed) {
        this.unparsed = unparsed;
        this.origin = origin;
        this.client = client;
        this.method = method == null ? "GET" : method;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.carriesToken = carriesToken;
        this.relayed = relayed;
        this.indirect = null;
        this.clientRoute = null;
    }

    private ImdsRequest(ImdsRequest request, String indirect, Object clientRoute) {
        this.client = request.client;
        this.method = request.method;
        this.path = request.path;
        this.carriesToken = request.carriesToken;
        this.relayed = request.relayed;
        this.origin = request.origin;
        this.unparsed = request.unparsed;
        this.indirect = indirect;
        this.clientRoute = clientRoute;
    }

    /**
     * This request, sent by a client whose own configuration says whether it goes through a proxy:
     * a {@link java.net.Proxy}, a {@link java.net.ProxySelector}, or a {@link Boolean} the client's
     * advice worked out. Null (the default) means the JVM's default proxy settings decide.
     */
    public ImdsRequest routedBy(Object route) {
        return new ImdsRequest(this, indirect, route);
    }

    /** What decides whether the request goes through a proxy; see {@link #routedBy}. */
    public Object clientRoute() {
        return clientRoute;
    }

    /**
     * Redirect: the client followed a redirect into IMDS; the application's URL named another host.
     */
    public static final String BY_REDIRECT = "redirect";

    /** Alias: the application's URL named a host that is not IMDS's name but resolves to IMDS. */
    public static final String BY_ALIAS = "alias";

    /**
     * Connection only: seen only on the connection to IMDS, by no client hook (a client without
     * one).
     */
    public static final String BY_CONNECTION_ONLY = "connection_only";

    /**
     * This request, known to have reached IMDS other than by a URL naming IMDS: {@link
     * #BY_REDIRECT} or {@link #BY_ALIAS}. Such a request is never given the agent's token.
     */
    public ImdsRequest reachedIndirectly(String how) {
        return new ImdsRequest(this, how, clientRoute);
    }

    /**
     * How the request reached IMDS if not by a URL naming it ({@link #BY_REDIRECT}, {@link
     * #BY_ALIAS}), else null.
     */
    public String indirect() {
        return indirect;
    }

    /**
     * A request to IMDS whose head the agent could not read (the raw-socket view): whether it
     * carries a token or a relay header is unknown, so it is never rewritten.
     *
     * @param method the request's method, or null when not known
     * @param path its path, or null when not known
     */
    public static ImdsRequest unparsed(String client, String method, String path, String origin) {
        return new ImdsRequest(
                client, method == null ? "?" : method, path, false, false, origin, true);
    }

    /** Whether the agent could not read the request; see {@link #unparsed}. */
    public boolean unparsed() {
        return unparsed;
    }

    /** Which instrumentation saw it, e.g. {@code HttpURLConnection}. */
    public String client() {
        return client;
    }

    public String method() {
        return method;
    }

    /** The raw path as the application sent it; it may be attacker-controlled (SSRF). */
    public String path() {
        return path;
    }

    public boolean carriesToken() {
        return carriesToken;
    }

    /**
     * Relayed for someone else: it carries {@code Forwarded}, {@code X-Forwarded-For}, {@code Via},
     * ...
     */
    public boolean relayed() {
        return relayed;
    }

    public String origin() {
        return origin;
    }

    /**
     * The last origin made. Nearly every IMDS request of a JVM goes to the one endpoint, so its
     * text is made once, and the token cache finds it by a hash the string already holds.
     */
    private static volatile Origin lastOrigin;

    /** The origin of a target, the same text for the same endpoint whichever client names it. */
    public static String origin(String scheme, String host, int port) {
        Origin last = lastOrigin;
        if (last != null
                && last.port == port
                && last.host.equals(host)
                && last.scheme.equals(scheme)) {
            return last.text;
        }
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        String text =
                scheme.toLowerCase(java.util.Locale.ROOT)
                        + "://"
                        + h.toLowerCase(java.util.Locale.ROOT)
                        + ":"
                        + port;
        lastOrigin = new Origin(scheme, host, port, text);
        return text;
    }

    private static final class Origin {
        final String scheme;
        final String host;
        final int port;
        final String text;

        Origin(String scheme, String host, int port, String text) {
            this.scheme = scheme;
            this.host = host;
            this.port = port;
            this.text = text;
        }
    }
}
