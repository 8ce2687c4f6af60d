package io.imdsguard.agent.instrument.apachehttpclient5;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5 classic ({@code org.apache.httpcomponents.client5:httpclient5}): every {@code
 * execute(...)} / {@code executeOpen(...)} of a client built by {@code HttpClients} / {@code
 * HttpClientBuilder} ({@code InternalHttpClient}) or by {@code HttpClients.createMinimal()} ({@code
 * MinimalHttpClient}) ends in that class's {@code doExecute(HttpHost, ClassicHttpRequest,
 * HttpContext)}, on the caller's thread, before anything is sent. Retries and redirects happen
 * below it; {@code DefaultRedirectStrategy.isRedirected} keeps a token sent to IMDS from following
 * a redirect (see {@link ApacheHttpClient5RedirectAdvice}). Spring's {@code
 * HttpComponentsClientHttpRequestFactory} (Spring 6) goes through it too.
 */
public final class ApacheHttpClient5Instrumentation implements ClientInstrumentation {

    public static final String CLIENT = "apache-httpclient-5";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), ApacheHttpClient5Advice.class.getClassLoader())
                .advice(
                        named("doExecute")
                                .and(takesArguments(3))
                                .and(takesArgument(0, named("org.apache.hc.core5.http.HttpHost")))
                                .and(
                                        takesArgument(
                                                1,
                                                named(
                                                        "org.apache.hc.core5.http.ClassicHttpRequest")))
                                .and(
                                        takesArgument(
                                                2,
                                                named(
                                                        "org.apache.hc.core5.http.protocol.HttpContext"))),
                        ApacheHttpClient5Advice.class.getName())
                .advice(
                        named("isRedirected")
                                .and(takesArguments(3))
                                .and(
                                        takesArgument(
                                                0, named("org.apache.hc.core5.http.HttpRequest")))
                                .and(
                                        takesArgument(
                                                2,
                                                named(
                                                        "org.apache.hc.core5.http.protocol.HttpContext"))),
                        ApacheHttpClient5RedirectAdvice.class.getName());
    }
}
