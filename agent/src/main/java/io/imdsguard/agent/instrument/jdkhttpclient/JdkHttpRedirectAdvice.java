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
 * <p>The request the answer is for is the answer's {@code request()}: a {@code
 * java.net.http.HttpRequest}, read by the agent through the public API. The filter's own {@code
 * request} field is not used: some JDK builds do not have it (the Java 21 build tested). {@code
 * Response} is not exported, so its package-private method is called reflectively; the inlined code
 * runs as {@code RedirectFilter}, in {@code Response}'s own package, which may call it. Only
 * redirects the client is about to follow pay for it.
 */
public final class JdkHttpRedirectAdvice {

    private JdkHttpRedirectAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterResponse(
            @Advice.Argument(0) Object answer,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object next)
            throws Exception {
        if (next != null
                && answer != null
                && ImdsBridge.refusesRedirect(
                        JdkHttpRequests.CLIENT,
                        answer.getClass().getDeclaredMethod("request").invoke(answer))) {
            next = null;
        }
    }
}
