package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined at the end of {@code jdk.internal.net.http.RedirectFilter.response}, which a client built
 * with {@code Redirect.NORMAL} or {@code ALWAYS} runs on every answer: it returns the next request
 * when the answer is a redirect to follow, a copy of the sent request's headers included. When the
 * sent request went to IMDS with a token (the agent's above all), the redirect is not followed: the
 * token stays with the IMDS that issued it, and the application gets the redirect answer itself
 * (real IMDS never redirects). Answers that are not redirects cost one test of the returned value.
 *
 * <p>The filter's {@code request} field is the request the answer is for; it is a
 * {@code java.net.http.HttpRequest}, read by the agent through the public API.
 */
public final class JdkHttpRedirectAdvice {

    private JdkHttpRedirectAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterResponse(@Advice.FieldValue(value = "request", typing = Assigner.Typing.DYNAMIC) Object sent,
                              @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object next) {
        if (next != null && ImdsBridge.refusesRedirect(sent)) {
            next = null;
        }
    }
}
