package io.imdsguard.agent.instrument.apachehttpclient4;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.conn.routing.HttpRoutePlanner;
import org.apache.http.protocol.HttpContext;

/**
 * Inlined into {@code doExecute(HttpHost target, HttpRequest request, HttpContext context)} of
 * HttpClient 4's clients (see {@link ApacheHttpClient4Instrumentation}). It may call nothing of the
 * agent but {@link ImdsBridge}, so the URL is put together here: the target's scheme, host and
 * port, then the path of the request line (which is absolute for an {@code HttpGet(uri)}).
 *
 * <p>The token header the agent asks for is set on the application's request object and taken off
 * again when the call returns: a request object the application reuses must not turn into a v2
 * request (carrying the agent's token) the next time.
 *
 * <p>Whether the request goes through a proxy is asked of the client's own route planner, as {@code
 * InternalHttpClient} will ask it: a proxy in the request's, the context's or the client's {@code
 * RequestConfig}, {@code HttpClientBuilder.setProxy}, or the JVM's default selector with {@code
 * useSystemProperties()}. {@code MinimalHttpClient} always connects directly. For any other client
 * the JVM's default proxy settings are assumed.
 */
public final class ApacheHttpClient4Advice {

    private ApacheHttpClient4Advice() {}

    /** Returns the token header value set on the request, or null when nothing was set. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static String enter(
            @Advice.This Object client,
            @Advice.Argument(0) HttpHost target,
            @Advice.Argument(1) HttpRequest request,
            @Advice.Argument(2) HttpContext context,
            @Advice.Local("imdsGuardUrl") String url,
            @Advice.Local("imdsGuardInside") boolean inside) {
        url = null;
        inside = false;
        if (request == null) {
            return null;
        }
        // Most requests are not to IMDS: decide that from the target alone, before any string is
        // built.
        if (target != null
                && !ImdsBridge.isImds(
                        target.getSchemeName(), target.getHostName(), target.getPort())) {
            return null;
        }
        // The socket catch-all then knows this client sees the request, without walking the stack.
        inside = target != null && ImdsBridge.enteredImdsCall();
        String uri = request.getRequestLine().getUri();
        int schemeEnd = uri.indexOf("://");
        if (target != null) {
            String path = uri;
            if (schemeEnd >= 0) {
                int pathStart = schemeEnd + 3;
                while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) {
                    pathStart++;
                }
                path = uri.substring(pathStart);
            }
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            String host = target.getHostName();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            url =
                    target.getSchemeName()
                            + "://"
                            + host
                            + (target.getPort() >= 0 ? ":" + target.getPort() : "")
                            + path;
        } else if (schemeEnd > 0) {
            url = uri;
        } else {
            return null;
        }
        boolean relayed = false;
        for (String name : RelayHeaders.NAMES) {
            relayed |= request.containsHeader(name);
        }
        Boolean proxied = null;
        if (target != null
                && "org.apache.http.impl.client.MinimalHttpClient"
                        .equals(client.getClass().getName())) {
            proxied = Boolean.FALSE;
        } else if (target != null
                && "org.apache.http.impl.client.InternalHttpClient"
                        .equals(client.getClass().getName())) {
            try {
                java.lang.reflect.Field field = client.getClass().getDeclaredField("routePlanner");
                field.setAccessible(true);
                Object planner = field.get(client);
                RequestConfig config =
                        request instanceof Configurable
                                ? ((Configurable) request).getConfig()
                                : null;
                if (config == null
                        && context != null
                        && context.getAttribute("http.request-config") instanceof RequestConfig) {
                    config = (RequestConfig) context.getAttribute("http.request-config");
                }
                if (config == null && client instanceof Configurable) {
                    config = ((Configurable) client).getConfig();
                }
                if (planner instanceof HttpRoutePlanner) {
                    HttpClientContext routing = HttpClientContext.create();
                    routing.setRequestConfig(config != null ? config : RequestConfig.DEFAULT);
                    HttpRoute route =
                            ((HttpRoutePlanner) planner).determineRoute(target, request, routing);
                    proxied = route.getProxyHost() != null;
                }
            } catch (Exception e) {
                // The route is not known: no token then, rather than one handed to a proxy.
                proxied = Boolean.TRUE;
            }
        }
        String token =
                ImdsBridge.beforeRequest(
                        "apache-httpclient-4",
                        request.getRequestLine().getMethod(),
                        url,
                        request.containsHeader(ImdsRequest.TOKEN_HEADER),
                        relayed,
                        proxied,
                        null);
        if (token != null) {
            request.setHeader(ImdsRequest.TOKEN_HEADER, token);
        }
        return token;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
            @Advice.Enter String token,
            @Advice.Argument(1) HttpRequest request,
            @Advice.Return HttpResponse response,
            @Advice.Local("imdsGuardUrl") String url,
            @Advice.Local("imdsGuardInside") boolean inside) {
        if (inside) {
            ImdsBridge.leftImdsCall();
        }
        if (token != null) {
            request.removeHeaders(ImdsRequest.TOKEN_HEADER);
            if (response != null && response.getStatusLine().getStatusCode() == 401) {
                ImdsBridge.unauthorized(url, token);
            }
        }
    }
}
