package io.imdsguard.agent.instrument.reactornetty;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Reactor Netty's {@code HttpClient} ({@code io.projectreactor.netty:reactor-netty-http} 1.x), and
 * so Spring's {@code WebClient} on its default connector.
 *
 * <p>Reactor Netty sends lazily: the application builds and subscribes, and the request is prepared
 * and written later on an event loop, where the send callbacks (Spring's connector copies the
 * {@code WebClient} request's headers in one) and {@code doOnRequest} hooks run. The headers are
 * final in {@code HttpClientOperations.beforeMarkSentHeaders()}, called once per request just
 * before the head is written, after redirect hooks and cookies; the advice runs at its end. Every
 * request on the wire passes there, redirects and Reactor Netty's own retry included.
 *
 * <p>That is on the event loop, where the application's code is no longer on the stack. So the call
 * site is captured where the application makes the request, when {@code MonoHttpConnect} is created
 * for the request's configuration (the application's thread, as it calls {@code response()}, {@code
 * responseSingle()} and the like, or as Spring's connector does at subscription), and carried from
 * the configuration to the {@code HttpClientHandler} made from it, then to each {@code
 * HttpClientOperations} the handler drives, redirects included.
 *
 * <p>A {@code 401} answer to a request that carried a token is reported from {@code
 * setNettyResponse}, so that the agent drops a token IMDS no longer accepts.
 */
public final class ReactorNettyInstrumentation implements ClientInstrumentation {

    public static final String CLIENT = "reactor-netty";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), ReactorNettyAdvice.class.getClassLoader())
                .advice(
                        named("beforeMarkSentHeaders").and(takesArguments(0)),
                        ReactorNettyAdvice.class.getName())
                .advice(
                        named("setNettyResponse")
                                .and(takesArguments(1))
                                .and(
                                        takesArgument(
                                                0,
                                                named("io.netty.handler.codec.http.HttpResponse"))),
                        ReactorNettyResponseAdvice.class.getName())
                .advice(
                        isConstructor()
                                .and(
                                        isDeclaredBy(
                                                named(
                                                        "reactor.netty.http.client.HttpClientConnect$MonoHttpConnect")))
                                .and(takesArguments(1)),
                        ReactorNettyCallSiteAdvice.Assembled.class.getName())
                .advice(
                        isConstructor()
                                .and(
                                        isDeclaredBy(
                                                named(
                                                        "reactor.netty.http.client.HttpClientConnect$HttpClientHandler")))
                                .and(takesArguments(1)),
                        ReactorNettyCallSiteAdvice.Subscribed.class.getName())
                .advice(
                        named("channel")
                                .and(takesArguments(1))
                                .and(
                                        takesArgument(
                                                0,
                                                named(
                                                        "reactor.netty.http.client.HttpClientOperations"))),
                        ReactorNettyCallSiteAdvice.Sending.class.getName());
    }
}
