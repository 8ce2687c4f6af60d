package io.imdsguard.agent.policy;

import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;

/**
 * Whether the JVM's default proxy settings ({@code -Dhttp.proxyHost}, a custom default
 * {@link ProxySelector}) send requests for an IMDS origin through a proxy. A request that goes
 * through a proxy would hand the agent's token to the proxy: it is not rewritten. Asked only for a
 * v1 request about to be rewritten, never for other traffic.
 *
 * <p>A client configured with a proxy of its own (OkHttp's {@code Builder.proxy}, a
 * {@code Proxy} passed to {@code URL.openConnection}) is not seen here; the default selector is what
 * HttpURLConnection and OkHttp use unless told otherwise.
 */
final class ProxyCheck {

    private ProxyCheck() {
    }

    /** @param origin {@code scheme://host:port}; true also when the selector cannot answer: no token then */
    static boolean proxied(String origin) {
        if (origin == null) {
            return false;
        }
        try {
            ProxySelector selector = ProxySelector.getDefault();
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
