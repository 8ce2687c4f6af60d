package io.imdsguard.agent.instrument.asynchttpclient;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.netty.handler.codec.http.HttpHeaders;
import net.bytebuddy.asm.Advice;
import org.asynchttpclient.Request;
import org.asynchttpclient.uri.Uri;

/**
 * Inlined at the end of {@code Redirect30xInterceptor.propagatedHeaders(Request, Realm, boolean)},
 * which copies the answered request's headers onto the request that follows a redirect: when that
 * request went to IMDS, its token is not among them. The token stays with the IMDS that issued it;
 * the redirect is still followed, without it (real IMDS never redirects).
 */
public final class AsyncHttpClientRedirectAdvice {

    private AsyncHttpClientRedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Request answered, @Advice.Return HttpHeaders propagated) {
        if (answered == null
                || propagated == null
                || !propagated.contains(ImdsRequest.TOKEN_HEADER)) {
            return;
        }
        Uri uri = answered.getUri();
        if (uri != null
                && ImdsBridge.isImds(uri.getScheme(), uri.getHost(), uri.getExplicitPort())) {
            propagated.remove(ImdsRequest.TOKEN_HEADER);
        }
    }
}
