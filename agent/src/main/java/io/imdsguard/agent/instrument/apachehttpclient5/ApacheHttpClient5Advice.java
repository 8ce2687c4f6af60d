package io.imdsguard.agent.instrument.apachehttpclient5;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Inlined into {@code doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)}
 * of HttpClient 5's classic clients (see {@link ApacheHttpClient5Instrumentation}). It may call
 * nothing of the agent but {@link ImdsBridge}, so the URL is put together here: the target's URI
 * ({@code scheme://host[:port]}), or the request's own scheme and authority when the caller gave no
 * target ({@code executeOpen(null, ...)}, as Spring does), then the request's path and query.
 *
 * <p>The token header the agent asks for is set on the application's request object and taken off
 * again when the call returns: a request object the application reuses must not turn into a v2
 * request (carrying the agent's token) the next time.
 */
public final class ApacheHttpClient5Advice {

    private ApacheHttpClient5Advice() {}

    /** Returns the token header value set on the request, or null when nothing was set. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static String enter(
            @Advice.Argument(0) HttpHost target,
            @Advice.Argument(1) ClassicHttpRequest request,
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
        String origin;
        if (target != null) {
            origin = target.toURI();
        } else if (request.getScheme() != null && request.getAuthority() != null) {
            origin = request.getScheme() + "://" + request.getAuthority();
        } else {
            return null;
        }
        String path = request.getPath();
        url =
                origin
                        + (path == null || path.isEmpty()
                                ? "/"
                                : path.startsWith("/") ? path : "/" + path);
        boolean relayed = false;
        for (String name : RelayHeaders.NAMES) {
            relayed |= request.containsHeader(name);
        }
        String token =
                ImdsBridge.beforeRequest(
                        "apache-httpclient-5",
                        request.getMethod(),
                        url,
                        request.containsHeader(ImdsRequest.TOKEN_HEADER),
                        relayed);
        if (token != null) {
            request.setHeader(ImdsRequest.TOKEN_HEADER, token);
        }
        return token;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
            @Advice.Enter String token,
            @Advice.Argument(1) ClassicHttpRequest request,
            @Advice.Return HttpResponse response,
            @Advice.Local("imdsGuardUrl") String url,
            @Advice.Local("imdsGuardInside") boolean inside) {
        if (inside) {
            ImdsBridge.leftImdsCall();
        }
        if (token != null) {
            request.removeHeaders(ImdsRequest.TOKEN_HEADER);
            if (response != null && response.getCode() == 401) {
                ImdsBridge.unauthorized(url, token);
            }
        }
    }
}
