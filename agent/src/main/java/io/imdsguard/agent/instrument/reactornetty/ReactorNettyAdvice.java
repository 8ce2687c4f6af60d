package io.imdsguard.agent.instrument.reactornetty;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Inlined at the end of {@code HttpClientOperations.beforeMarkSentHeaders()} (see {@link
 * ReactorNettyInstrumentation}). {@code HttpClientOperations} is package-private, so the advice
 * sees it through the public {@code HttpClientRequest} it implements: method, absolute URL ({@code
 * resourceUrl()}) and the mutable request headers, which are written right after.
 */
public final class ReactorNettyAdvice {

    private ReactorNettyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This HttpClientRequest request) {
        String url = request.resourceUrl();
        if (url == null) {
            return;
        }
        HttpHeaders headers = request.requestHeaders();
        boolean relayed = false;
        for (String name : RelayHeaders.NAMES) {
            relayed |= headers.contains(name);
        }
        // A request Reactor Netty sends after a redirect names where it was redirected from.
        String[] redirectedFrom = request.redirectedFrom();
        boolean redirectHop = redirectedFrom != null && redirectedFrom.length > 0;
        if (redirectHop) {
            ImdsBridge.followingRedirect(true);
        }
        String token;
        try {
            token =
                    ImdsBridge.beforeRequest(
                            "reactor-netty",
                            request.method().name(),
                            url,
                            headers.contains(ImdsRequest.TOKEN_HEADER),
                            relayed,
                            null,
                            request);
        } finally {
            if (redirectHop) {
                ImdsBridge.followingRedirect(false);
            }
        }
        if (token != null) {
            headers.set(ImdsRequest.TOKEN_HEADER, token);
        }
    }
}
