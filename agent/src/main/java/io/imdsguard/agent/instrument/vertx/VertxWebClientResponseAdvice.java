package io.imdsguard.agent.instrument.vertx;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code HttpContext.receiveResponse(HttpClientResponse)}: a {@code 401}
 * answer to a request that carried a token is passed on, so that the agent drops its token if that
 * was the one sent. Other answers cost one comparison. There is no retry: the application receives
 * that one {@code 401}.
 */
public final class VertxWebClientResponseAdvice {

    private VertxWebClientResponseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) HttpClientResponse response) {
        if (response == null || response.statusCode() != 401) {
            return;
        }
        HttpClientRequest sent = response.request();
        String token = sent == null ? null : sent.headers().get(ImdsRequest.TOKEN_HEADER);
        if (token != null) {
            ImdsBridge.unauthorized(sent.absoluteURI(), token);
        }
    }
}
