package io.imdsguard.bootstrap;

/**
 * The request headers that mark a request as relayed for someone else: a proxy, a gateway or an
 * SSRF-able fetcher passing on a client's request. IMDSv2 exists to refuse such requests, so a
 * relayed request is never given the agent's token, whichever of these headers it carries.
 *
 * <p>The one list every instrumentation consults: the advice woven into client libraries (hence a
 * bootstrap class, visible from any loader), the JDK clients' hooks and the raw-socket parser.
 * Header names are compared without regard to letter case, as HTTP defines them.
 */
public final class RelayHeaders {

    /**
     * {@code Forwarded} (RFC 7239) and the de-facto headers that proxies and load balancers add.
     */
    public static final String[] NAMES = {
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via",
    };

    private RelayHeaders() {}

    /** Whether {@code name} is one of {@link #NAMES}, in any letter case. */
    public static boolean isRelayHeader(String name) {
        if (name == null) {
            return false;
        }
        String trimmed = name.trim();
        for (String relay : NAMES) {
            if (relay.equalsIgnoreCase(trimmed)) {
                return true;
            }
        }
        return false;
    }
}
