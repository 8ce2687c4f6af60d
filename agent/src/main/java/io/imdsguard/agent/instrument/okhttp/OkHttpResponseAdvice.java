package io.imdsguard.agent.instrument.okhttp;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Inlined at the normal end of {@code RealCall.getResponseWithInterceptorChain}, which both
 * {@code execute()} and {@code enqueue()} go through once per call: a 401 answer to a request that
 * carried a token is handed to the agent, which drops its token if it was its own (IMDS restarted),
 * so that the next call fetches a fresh one. The 401 itself reaches the application unchanged.
 */
public final class OkHttpResponseAdvice {

    private OkHttpResponseAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterResponse(@Advice.Return Response response) {
        if (response == null || response.code() != 401) {
            return;
        }
        Request sent = response.request();
        String token = sent.header("X-aws-ec2-metadata-token");
        if (token != null) {
            ImdsBridge.unauthorized(sent.url().toString(), token);
        }
    }
}
