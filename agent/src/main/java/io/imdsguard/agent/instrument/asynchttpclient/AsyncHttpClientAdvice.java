package io.imdsguard.agent.instrument.asynchttpclient;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import net.bytebuddy.asm.Advice;
import org.asynchttpclient.Request;

/**
 * Inlined at the start of {@code DefaultAsyncHttpClient.execute(Request, AsyncHandler)} (see {@link
 * AsyncHttpClientInstrumentation}), on the thread that made the request. It may call nothing of the
 * agent but {@link ImdsBridge}. When the agent asks for a token header, the immutable request is
 * replaced by a copy that carries it ({@code request.toBuilder()}, present in 2.x and 3.x); the
 * application's own request object is left as it was.
 */
public final class AsyncHttpClientAdvice {

    private AsyncHttpClientAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Request request) {
        if (request == null) {
            return;
        }
        HttpHeaders headers = request.getHeaders();
        boolean relayed = false;
        if (headers != null) {
            for (String name : RelayHeaders.NAMES) {
                relayed |= headers.contains(name);
            }
        }
        String token =
                ImdsBridge.beforeRequest(
                        "async-http-client",
                        request.getMethod(),
                        request.getUrl(),
                        headers != null && headers.contains(ImdsRequest.TOKEN_HEADER),
                        relayed);
        if (token != null) {
            request = request.toBuilder().setHeader(ImdsRequest.TOKEN_HEADER, token).build();
        }
    }
}
