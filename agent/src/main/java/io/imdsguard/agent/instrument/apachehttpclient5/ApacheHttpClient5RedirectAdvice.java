package io.imdsguard.agent.instrument.apachehttpclient5;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Inlined at the end of HttpClient 5's {@code DefaultRedirectStrategy.isRedirected} (classic and
 * async clients both ask it): a request to IMDS that carries a token is not followed to wherever a
 * redirect points, since HttpClient copies the original request's headers, the token among them,
 * onto the redirect. The token stays with the IMDS that issued it; the application gets the
 * redirect answer itself (real IMDS never redirects). Every other answer costs one test of the
 * returned value.
 */
public final class ApacheHttpClient5RedirectAdvice {

    private ApacheHttpClient5RedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterIsRedirected(
            @Advice.Argument(0) HttpRequest request,
            @Advice.Return(readOnly = false) boolean redirected) {
        if (!redirected || request == null || !request.containsHeader(ImdsRequest.TOKEN_HEADER)) {
            return;
        }
        URIAuthority authority = request.getAuthority();
        if (authority != null
                && ImdsBridge.isImds(
                        request.getScheme(), authority.getHostName(), authority.getPort())) {
            redirected = false;
        }
    }
}
