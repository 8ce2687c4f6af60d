package io.imdsguard.agent.instrument.httpurlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/** {@code java.net.HttpURLConnection} and {@code URL.openStream()}: the JDK's own HTTP handler. */
public final class HttpUrlConnectionInstrumentation implements ClientInstrumentation {

    @Override
    public String client() {
        return HttpUrlConnectionRequests.CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), HttpUrlConnectionAdvice.class.getClassLoader())
                .advice(
                        namedOneOf("connect", "getInputStream", "getOutputStream")
                                .and(takesArguments(0))
                                .and(isPublic()),
                        HttpUrlConnectionAdvice.class.getName())
                .advice(
                        named("getInputStream").and(takesArguments(0)).and(isPublic()),
                        HttpUrlConnectionAdvice.Response.class.getName())
                .advice(
                        namedOneOf("connect", "getInputStream", "getOutputStream")
                                .and(takesArguments(0))
                                .and(isPublic()),
                        HttpUrlConnectionAdvice.Failure.class.getName())
                .advice(
                        named("followRedirect").and(takesArguments(0)),
                        HttpUrlConnectionAdvice.Redirect.class.getName());
    }
}
