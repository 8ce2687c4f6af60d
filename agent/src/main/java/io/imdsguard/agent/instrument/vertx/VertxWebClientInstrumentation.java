package io.imdsguard.agent.instrument.vertx;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Vert.x 4 WebClient ({@code io.vertx:vertx-web-client}).
 *
 * <p>{@code HttpRequest.send(...)} (and every {@code sendXxx}) runs the request's {@code
 * HttpContext} through its phases: the interceptors, then {@code handlePrepareRequest} builds the
 * {@code RequestOptions} (method, host, port, URI, headers), then, after the {@code CREATE_REQUEST}
 * interceptors, {@code handleCreateRequest} hands them to the Vert.x {@code HttpClient}. That last
 * method is the point where the options are final and can still be changed; unless an interceptor
 * went asynchronous, it runs on the thread that called {@code send}, so the stack shows the
 * application's code. A redirect the client follows passes through it again, from the event loop.
 *
 * <p>A {@code 401} answer to a request that carried a token is reported from {@code
 * HttpContext.receiveResponse}, so that the agent drops a token IMDS no longer accepts.
 */
public final class VertxWebClientInstrumentation implements ClientInstrumentation {

    public static final String CLIENT = "vertx-web-client";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), VertxWebClientAdvice.class.getClassLoader())
                .advice(
                        named("handleCreateRequest").and(takesArguments(0)),
                        VertxWebClientAdvice.class.getName())
                .advice(
                        named("receiveResponse")
                                .and(takesArguments(1))
                                .and(
                                        takesArgument(
                                                0, named("io.vertx.core.http.HttpClientResponse"))),
                        VertxWebClientResponseAdvice.class.getName());
    }
}
