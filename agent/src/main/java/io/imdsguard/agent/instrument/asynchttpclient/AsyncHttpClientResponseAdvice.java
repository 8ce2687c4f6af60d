package io.imdsguard.agent.instrument.asynchttpclient;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import net.bytebuddy.asm.Advice;
import org.asynchttpclient.Request;
import org.asynchttpclient.netty.NettyResponseFuture;

/**
 * Inlined at the start of {@code HttpHandler.handleHttpResponse(HttpResponse, Channel,
 * NettyResponseFuture, AsyncHandler)}: a {@code 401} answer to a request that carried a token is
 * passed on, so that the agent drops its token if that was the one sent. Other answers cost one
 * comparison. There is no retry: the application receives that one {@code 401}, as with {@code
 * HttpURLConnection}.
 */
public final class AsyncHttpClientResponseAdvice {

    private AsyncHttpClientResponseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
            @Advice.Argument(0) HttpResponse response,
            @Advice.Argument(2) NettyResponseFuture<?> future) {
        if (response == null || future == null || response.status().code() != 401) {
            return;
        }
        Request sent = future.getCurrentRequest();
        HttpHeaders headers = sent == null ? null : sent.getHeaders();
        String token = headers == null ? null : headers.get(ImdsRequest.TOKEN_HEADER);
        if (token != null) {
            ImdsBridge.unauthorized(sent.getUrl(), token);
        }
    }
}
