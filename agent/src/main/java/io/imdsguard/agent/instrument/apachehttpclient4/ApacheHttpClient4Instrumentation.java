package io.imdsguard.agent.instrument.apachehttpclient4;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 4.3 to 4.5 ({@code org.apache.httpcomponents:httpclient}): every {@code
 * execute(...)} of a client built by {@code HttpClients} / {@code HttpClientBuilder} ({@code
 * InternalHttpClient}), by {@code HttpClients.createMinimal()} ({@code MinimalHttpClient}) or of
 * the deprecated {@code DefaultHttpClient} family ({@code AbstractHttpClient}) ends in that class's
 * {@code doExecute(HttpHost, HttpRequest, HttpContext)}, on the caller's thread, before anything is
 * sent. Retries and redirects happen below it, so one application request is one call.
 */
public final class ApacheHttpClient4Instrumentation implements ClientInstrumentation {

    public static final String CLIENT = "apache-httpclient-4";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), ApacheHttpClient4Advice.class.getClassLoader())
                .advice(
                        named("doExecute")
                                .and(takesArguments(3))
                                .and(takesArgument(0, named("org.apache.http.HttpHost")))
                                .and(takesArgument(1, named("org.apache.http.HttpRequest")))
                                .and(
                                        takesArgument(
                                                2, named("org.apache.http.protocol.HttpContext"))),
                        ApacheHttpClient4Advice.class.getName())
                .advice(
                        named("isRedirected")
                                .and(takesArguments(3))
                                .and(takesArgument(0, named("org.apache.http.HttpRequest")))
                                .and(
                                        takesArgument(
                                                2, named("org.apache.http.protocol.HttpContext"))),
                        ApacheHttpClient4RedirectAdvice.class.getName());
    }
}
