package io.imdsguard.agent.instrument.vertx;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.impl.HttpContext;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code HttpContext.handleCreateRequest()} (see {@link
 * VertxWebClientInstrumentation}). It may call nothing of the agent but {@link ImdsBridge}, so the
 * URL is put together here, the way Vert.x's {@code HttpClient} resolves it: the server address
 * when one is set (a virtual host only changes the {@code Host} header), otherwise host and port.
 * The {@code RequestOptions} are built afresh for every send, so the token header set on them never
 * sticks to the application's reusable {@code HttpRequest}.
 */
public final class VertxWebClientAdvice {

    private VertxWebClientAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This HttpContext<?> context) {
        RequestOptions options = context.requestOptions();
        if (options == null) {
            return;
        }
        String host = options.getHost();
        Integer port = options.getPort();
        SocketAddress server = options.getServer();
        if (server != null && server.isInetSocket()) {
            host = server.host();
            port = server.port();
        }
        String uri = options.getURI();
        if (host == null || uri == null) {
            return;
        }
        boolean ssl = Boolean.TRUE.equals(options.isSsl());
        int effectivePort = port != null && port >= 0 ? port : (ssl ? 443 : 80);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String url =
                uri.startsWith("http://") || uri.startsWith("https://")
                        ? uri
                        : (ssl ? "https://" : "http://")
                                + host
                                + ":"
                                + effectivePort
                                + (uri.startsWith("/") ? uri : "/" + uri);
        MultiMap headers = options.getHeaders();
        HttpMethod method = options.getMethod();
        boolean relayed = false;
        if (headers != null) {
            for (String name : RelayHeaders.NAMES) {
                relayed |= headers.contains(name);
            }
        }
        // A redirect hop carries a copy of the answered request's headers: a token among them was
        // written for the IMDS that issued it, never for wherever the redirect points.
        boolean redirectHop = context.redirects() > 0;
        if (redirectHop && headers != null) {
            headers.remove(ImdsRequest.TOKEN_HEADER);
        }
        if (redirectHop) {
            ImdsBridge.followingRedirect(true);
        }
        String token;
        try {
            token =
                    ImdsBridge.beforeRequest(
                            "vertx-web-client",
                            method == null ? "GET" : method.name(),
                            url,
                            headers != null && headers.contains(ImdsRequest.TOKEN_HEADER),
                            relayed);
        } finally {
            if (redirectHop) {
                ImdsBridge.followingRedirect(false);
            }
        }
        if (token != null) {
            options.putHeader(ImdsRequest.TOKEN_HEADER, token);
        }
    }
}
