package io.imdsguard.agent.instrument.reactornetty;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.netty.handler.codec.http.HttpResponse;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Inlined at the start of {@code HttpClientOperations.setNettyResponse(HttpResponse)}, once per
 * response head: a {@code 401} answer to a request that carried a token is passed on, so that the
 * agent drops its token if that was the one sent. Other answers cost one comparison. There is no
 * retry: the application receives that one {@code 401}.
 */
public final class ReactorNettyResponseAdvice {

    private ReactorNettyResponseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
            @Advice.This HttpClientRequest request, @Advice.Argument(0) HttpResponse response) {
        if (response == null || response.status().code() != 401) {
            return;
        }
        String token = request.requestHeaders().get(ImdsRequest.TOKEN_HEADER);
        if (token != null) {
            ImdsBridge.unauthorized(request.resourceUrl(), token);
        }
    }
}
