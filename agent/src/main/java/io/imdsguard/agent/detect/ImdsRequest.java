package io.imdsguard.agent.detect;

/**
 * What the agent knows of one request to IMDS. It holds whether a token is present, never the
 * token itself, so nothing built from it can leak one.
 */
public final class ImdsRequest {

    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    public static final String FORWARDED_FOR_HEADER = "X-Forwarded-For";

    private final String client;
    private final String method;
    private final String path;
    private final boolean carriesToken;
    private final boolean forwardedFor;

    public ImdsRequest(String client, String method, String path, boolean carriesToken, boolean forwardedFor) {
        this.client = client;
        this.method = method == null ? "GET" : method;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.carriesToken = carriesToken;
        this.forwardedFor = forwardedFor;
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

    public boolean forwardedFor() {
        return forwardedFor;
    }
}
