package io.imdsguard.agent.instrument.jetty;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Eclipse Jetty's {@code HttpClient} ({@code org.eclipse.jetty:jetty-client}), in two generations
 * whose classes have different names, so that each instance only ever meets its own version:
 *
 * <ul>
 *   <li>{@link #jetty9to11()}: 9.4, 10 and 11, implementation classes in {@code
 *       org.eclipse.jetty.client};
 *   <li>{@link #jetty12()}: 12, implementation classes in {@code
 *       org.eclipse.jetty.client.transport}.
 * </ul>
 *
 * In both, every {@code request.send()} (blocking), {@code request.send(listener)} (asynchronous)
 * and redirect reaches {@code HttpDestination.send(...)} on the thread that called {@code send},
 * before the request is queued for an I/O thread: there the request is classified, its call site
 * taken from the application's stack, and the token header added when the agent asks for it. A
 * {@code 401} is seen where the response's status is set, {@code HttpResponse.status(int)}. A
 * redirect hop passes through the same {@code send} and is marked as one there (Jetty counts the
 * redirects on the conversation), so it is never rewritten. A redirect answer to a request that
 * carried a token to IMDS is not followed ({@code RedirectProtocolHandler.accept}): Jetty copies
 * the headers onto the redirect, and the token stays with its IMDS.
 *
 * <p>Not seen: requests sent on a connection the application opened itself ({@code
 * Destination.newConnection(...)} then {@code Connection.send(...)}), a rarely used API that
 * bypasses the destination's queue. Jetty uses NIO channels, so the socket catch-all does not see
 * them either.
 */
public final class JettyInstrumentation implements ClientInstrumentation {

    /** The client name in reports and metrics, for every Jetty version. */
    public static final String CLIENT = "jetty-httpclient";

    /**
     * Decides whether a redirect answer is followed. The same name in every generation, and a class
     * name has one transformer: so {@link #jetty9to11()} weaves it for both generations, each one's
     * {@code accept} told apart by the request interface it takes, and {@link #jetty12()} leaves
     * it.
     */
    private static final String REDIRECT_HANDLER =
            "org.eclipse.jetty.client.RedirectProtocolHandler";

    private final String destination;
    private final String response;
    private final String requestArgument;
    private final String listenerArgument;
    private final String sendAdvice;
    private final String statusAdvice;
    private final boolean weavesRedirectHandler;

    private JettyInstrumentation(
            String destination,
            String response,
            String requestArgument,
            String listenerArgument,
            String sendAdvice,
            String statusAdvice,
            boolean weavesRedirectHandler) {
        this.destination = destination;
        this.response = response;
        this.requestArgument = requestArgument;
        this.listenerArgument = listenerArgument;
        this.sendAdvice = sendAdvice;
        this.statusAdvice = statusAdvice;
        this.weavesRedirectHandler = weavesRedirectHandler;
    }

    /**
     * Jetty 9.4 to 11: {@code HttpDestination.send(HttpRequest, List<Response.ResponseListener>)};
     * and the redirect handler of every generation.
     */
    public static JettyInstrumentation jetty9to11() {
        return new JettyInstrumentation(
                "org.eclipse.jetty.client.HttpDestination",
                "org.eclipse.jetty.client.HttpResponse",
                "org.eclipse.jetty.client.HttpRequest",
                "java.util.List",
                Jetty9Advice.Send.class.getName(),
                Jetty9Advice.Status.class.getName(),
                true);
    }

    /** Jetty 12: {@code transport.HttpDestination.send(Request, Response.CompleteListener)}. */
    public static JettyInstrumentation jetty12() {
        return new JettyInstrumentation(
                "org.eclipse.jetty.client.transport.HttpDestination",
                "org.eclipse.jetty.client.transport.HttpResponse",
                "org.eclipse.jetty.client.Request",
                "org.eclipse.jetty.client.Response$CompleteListener",
                Jetty12Advice.Send.class.getName(),
                Jetty12Advice.Status.class.getName(),
                false);
    }

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        AdviceHooks hooks =
                AdviceHooks.of(client(), JettyInstrumentation.class.getClassLoader())
                        .advice(
                                isDeclaredBy(named(destination))
                                        .and(named("send"))
                                        .and(takesArguments(2))
                                        .and(takesArgument(0, named(requestArgument)))
                                        .and(takesArgument(1, named(listenerArgument))),
                                sendAdvice)
                        .advice(
                                isDeclaredBy(named(response))
                                        .and(named("status"))
                                        .and(takesArguments(1))
                                        .and(takesArgument(0, int.class)),
                                statusAdvice);
        return weavesRedirectHandler
                ? hooks.advice(
                                redirectAccept("org.eclipse.jetty.client.api.Request"),
                                Jetty9RedirectAdvice.class.getName())
                        .advice(
                                redirectAccept("org.eclipse.jetty.client.Request"),
                                Jetty12RedirectAdvice.class.getName())
                : hooks;
    }

    /**
     * {@code RedirectProtocolHandler.accept(Request, Response)} of the generation with this request
     * interface.
     */
    private static ElementMatcher.Junction<MethodDescription> redirectAccept(
            String requestInterface) {
        return isDeclaredBy(named(REDIRECT_HANDLER))
                .and(named("accept"))
                .and(takesArguments(2))
                .and(takesArgument(0, named(requestInterface)));
    }
}
