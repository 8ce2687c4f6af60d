package io.imdsguard.agent.policy;

import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;

/**
 * Whether a request for an IMDS origin goes through a proxy: by the client's own configuration when
 * its hook knows it (a {@code Proxy} passed to {@code URL.openConnection}, OkHttp's {@code
 * Builder.proxy} or {@code proxySelector}, Apache HttpClient 4's route, java.net.http's {@code
 * Builder.proxy}), else by the JVM's default proxy settings ({@code -Dhttp.proxyHost}, a custom
 * default {@link ProxySelector}). A request that goes through a proxy would hand the agent's token
 * to the proxy: it is not rewritten. Asked only for a v1 request about to be rewritten, never for
 * other traffic.
 */
final class ProxyCheck {

    private ProxyCheck() {}

    /**
     * @param origin {@code scheme://host:port}; true also when the selector cannot answer: no token
     *     then
     * @param clientRoute see {@link io.imdsguard.agent.detect.ImdsRequest#routedBy}; null for the
     *     JVM's default
     */
    static boolean proxied(String origin, Object clientRoute) {
        if (clientRoute instanceof Boolean) {
            return (Boolean) clientRoute;
        }
        if (clientRoute instanceof Proxy) {
            return ((Proxy) clientRoute).type() != Proxy.Type.DIRECT;
        }
        if (origin == null) {
            return false;
        }
        try {
            ProxySelector selector =
                    clientRoute instanceof ProxySelector
                            ? (ProxySelector) clientRoute
                            : ProxySelector.getDefault();
            if (selector == null) {
                return false;
            }
            List<Proxy> proxies = selector.select(new URI(origin + "/"));
            if (proxies == null) {
                return false;
            }
            for (Proxy proxy : proxies) {
                if (proxy != null && proxy.type() != Proxy.Type.DIRECT) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return true;
        }
    }
}
