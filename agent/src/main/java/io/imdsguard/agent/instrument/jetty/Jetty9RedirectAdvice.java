package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.api.Request;

/**
 * Inlined at the end of {@code RedirectProtocolHandler.accept(Request, Response)} (Jetty 9.4 to 11):
 * a request to IMDS that carries a token is not followed to wherever a redirect points, since
 * Jetty's {@code HttpRedirector} copies the request's headers, the token among them, onto the
 * redirect. The token stays with the IMDS that issued it; the application gets the redirect answer
 * itself (real IMDS never redirects). Every other answer costs one test of the returned value.
 */
public final class Jetty9RedirectAdvice {

    private Jetty9RedirectAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterAccept(@Advice.Argument(0) Request request,
                            @Advice.Return(readOnly = false) boolean accepted) {
        if (accepted && request != null && request.getHeaders().get("X-aws-ec2-metadata-token") != null
                && ImdsBridge.isImds(request.getScheme(), request.getHost(), request.getPort())) {
            accepted = false;
        }
    }
}
