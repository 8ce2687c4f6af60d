package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.http.HttpField;

/**
 * Inlined at the end of {@code RedirectProtocolHandler.accept(Request, Response)} (Jetty 9.4 to 11;
 * {@link Jetty12RedirectAdvice} for 12): a request to IMDS that carries a token is not followed to
 * wherever a redirect points, since Jetty's {@code HttpRedirector} copies the request's headers,
 * the token among them, onto the redirect. The token stays with the IMDS that issued it; the
 * application gets the redirect answer itself (real IMDS never redirects). Every other answer costs
 * one test of the returned value.
 */
public final class Jetty9RedirectAdvice {

    private Jetty9RedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterAccept(
            @Advice.Argument(0) Request request,
            @Advice.Return(readOnly = false) boolean accepted) {
        if (!accepted || request == null) {
            return;
        }
        // Walked as an Iterable of HttpField, never through a method of HttpFields: a class in 9.4,
        // an
        // interface from 10, so a call compiled against 9.4 fails to link on 10 and 11 (see
        // Jetty9Advice).
        boolean token = false;
        Iterable<?> headers = request.getHeaders();
        if (headers != null) {
            for (Object header : headers) {
                if (ImdsRequest.TOKEN_HEADER.equalsIgnoreCase(((HttpField) header).getName())) {
                    token = true;
                }
            }
        }
        if (token && ImdsBridge.isImds(request.getScheme(), request.getHost(), request.getPort())) {
            accepted = false;
        }
    }
}
