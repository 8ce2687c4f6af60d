package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;

/**
 * Inlined at the end of {@code RedirectProtocolHandler.accept(Request, Response)} (Jetty 12), as
 * {@code Jetty9RedirectAdvice} is for 9.4 to 11: a request to IMDS that carries a token is not
 * followed to wherever a redirect points, since Jetty's {@code HttpRedirector} copies the request's
 * headers, the token among them, onto the redirect. The token stays with the IMDS that issued it;
 * the application gets the redirect answer itself (real IMDS never redirects). Refusing the
 * redirect here, rather than taking the token off the copy, needs no {@code headers(Consumer)}
 * lambda, which inlined advice cannot carry. Every other answer costs one test of the returned
 * value.
 */
public final class Jetty12RedirectAdvice {

    private Jetty12RedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterAccept(
            @Advice.Argument(0) Request request,
            @Advice.Return(readOnly = false) boolean accepted) {
        if (!accepted || request == null) {
            return;
        }
        boolean token = false;
        Iterable<?> headers = request.getHeaders();
        if (headers != null) {
            for (Object header : headers) {
                if (Jetty12Advice.TOKEN_HEADER.equalsIgnoreCase(((HttpField) header).getName())) {
                    token = true;
                }
            }
        }
        if (token && ImdsBridge.isImds(request.getScheme(), request.getHost(), request.getPort())) {
            accepted = false;
        }
    }
}
