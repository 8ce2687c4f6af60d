package io.imdsguard.agent.instrument.asynchttpclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * AsyncHttpClient 2.x and 3.x ({@code org.asynchttpclient:async-http-client}).
 *
 * <p>Every request of a {@code DefaultAsyncHttpClient} ({@code prepareGet(url).execute()}, {@code
 * executeRequest(request[, handler])}) passes through its private {@code execute(Request,
 * AsyncHandler)} on the caller's thread, after the request filters and the cookie store have had
 * their say and before Netty takes over: the headers are final, and the stack still shows the
 * application's code. The request is immutable, so a copy with the token header replaces it there.
 * Redirects and retries that the client follows by itself are not seen there; a redirect hop that
 * reaches IMDS is judged on its connection (the NIO backstop), and a redirect from IMDS does not
 * carry the token on ({@link AsyncHttpClientRedirectAdvice}).
 *
 * <p>A {@code 401} answer to a request that carried a token is reported from {@code
 * HttpHandler.handleHttpResponse}, on the event loop, so that the agent drops a token IMDS no
 * longer accepts.
 */
public final class AsyncHttpClientInstrumentation implements ClientInstrumentation {

    public static final String CLIENT = "async-http-client";

    static final String CLIENT_TYPE = "org.asynchttpclient.DefaultAsyncHttpClient";
    static final String HANDLER_TYPE = "org.asynchttpclient.netty.handler.HttpHandler";
    static final String REDIRECT_TYPE =
            "org.asynchttpclient.netty.handler.intercept.Redirect30xInterceptor";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), AsyncHttpClientAdvice.class.getClassLoader())
                .advice(
                        named("execute")
                                .and(takesArguments(2))
                                .and(takesArgument(0, named("org.asynchttpclient.Request")))
                                .and(takesArgument(1, named("org.asynchttpclient.AsyncHandler"))),
                        AsyncHttpClientAdvice.class.getName())
                .advice(
                        named("handleHttpResponse")
                                .and(takesArguments(4))
                                .and(
                                        takesArgument(
                                                0,
                                                named("io.netty.handler.codec.http.HttpResponse")))
                                .and(
                                        takesArgument(
                                                2,
                                                named(
                                                        "org.asynchttpclient.netty.NettyResponseFuture"))),
                        AsyncHttpClientResponseAdvice.class.getName())
                .advice(
                        named("propagatedHeaders")
                                .and(takesArguments(3))
                                .and(takesArgument(0, named("org.asynchttpclient.Request"))),
                        AsyncHttpClientRedirectAdvice.class.getName());
    }
}
