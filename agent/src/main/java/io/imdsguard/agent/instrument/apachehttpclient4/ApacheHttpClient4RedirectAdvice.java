package io.imdsguard.agent.instrument.apachehttpclient4;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.protocol.HttpContext;

/**
 * Inlined at the end of {@code DefaultRedirectStrategy.isRedirected} (which {@code
 * LaxRedirectStrategy} inherits): a request to IMDS that carries a token is not followed to
 * wherever a redirect points, since HttpClient copies the original request's headers, the token
 * among them, onto the redirect. The token stays with the IMDS that issued it; the application gets
 * the redirect answer itself (real IMDS never redirects). Every other answer costs one test of the
 * returned value.
 */
public final class ApacheHttpClient4RedirectAdvice {

    private ApacheHttpClient4RedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterIsRedirected(
            @Advice.Argument(0) HttpRequest request,
            @Advice.Argument(2) HttpContext context,
            @Advice.Return(readOnly = false) boolean redirected) {
        if (!redirected
                || request == null
                || context == null
                || !request.containsHeader(ImdsRequest.TOKEN_HEADER)) {
            return;
        }
        Object target = context.getAttribute("http.target_host");
        if (target instanceof HttpHost) {
            HttpHost host = (HttpHost) target;
            if (ImdsBridge.isImds(host.getSchemeName(), host.getHostName(), host.getPort())) {
                redirected = false;
            }
        }
    }
}
