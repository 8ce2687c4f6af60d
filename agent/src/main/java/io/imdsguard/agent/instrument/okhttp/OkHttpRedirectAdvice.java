package io.imdsguard.agent.instrument.okhttp;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Inlined at the end of OkHttp's {@code RetryAndFollowUpInterceptor.followUpRequest}, which turns a
 * redirect answer into the next request, headers included. A request to IMDS that carries a token
 * is not followed to wherever a redirect points: the token stays with the IMDS that issued it, and
 * the application gets the redirect answer itself (real IMDS never redirects). Every other
 * follow-up costs a header lookup.
 *
 * <p>Only OkHttp's types, JDK types and {@link ImdsBridge} may be named here; the methods used
 * exist in OkHttp 3.x and 4.x.
 */
public final class OkHttpRedirectAdvice {

    private OkHttpRedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterFollowUp(
            @Advice.Argument(0) Response answer,
            @Advice.Return(readOnly = false) Request followUp) {
        if (followUp == null || answer == null || answer.code() < 300 || answer.code() > 399) {
            return;
        }
        Request sent = answer.request();
        if (sent == null || sent.header(ImdsRequest.TOKEN_HEADER) == null) {
            return;
        }
        HttpUrl from = sent.url();
        if (ImdsBridge.isImds(from.scheme(), from.host(), from.port())) {
            followUp = null;
        }
    }
}
