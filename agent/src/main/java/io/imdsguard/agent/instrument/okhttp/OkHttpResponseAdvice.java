package io.imdsguard.agent.instrument.okhttp;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Inlined into {@code RealCall.getResponseWithInterceptorChain}, which both {@code execute()} and
 * {@code enqueue()} go through once per call, on the thread that sends it:
 *
 * <ul>
 *   <li>an IMDS call is counted in and out around it, so the socket catch-all knows this client
 *       sees the request and needs no stack walk for each new IMDS connection;
 *   <li>a 401 answer to a request that carried a token is handed to the agent, which drops its
 *       token if it was its own (IMDS restarted), so that the next call fetches a fresh one. The
 *       401 itself reaches the application unchanged.
 * </ul>
 */
public final class OkHttpResponseAdvice {

    private OkHttpResponseAdvice() {}

    /**
     * @return true for an IMDS call, counted in
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean beforeChain(@Advice.This Call call) {
        Request request = call.request();
        return request != null
                && ImdsBridge.isImds(
                        request.url().scheme(), request.url().host(), request.url().port())
                && ImdsBridge.enteredImdsCall();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void afterResponse(@Advice.Enter boolean inside, @Advice.Return Response response) {
        if (inside) {
            ImdsBridge.leftImdsCall();
        }
        if (response == null || response.code() != 401) {
            return;
        }
        Request sent = response.request();
        String token = sent.header(ImdsRequest.TOKEN_HEADER);
        if (token != null) {
            ImdsBridge.unauthorized(sent.url().toString(), token);
        }
    }
}
