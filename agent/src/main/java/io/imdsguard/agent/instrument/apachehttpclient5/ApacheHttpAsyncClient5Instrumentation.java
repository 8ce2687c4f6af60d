package io.imdsguard.agent.instrument.apachehttpclient5;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5 async, the clients of {@code HttpAsyncClients.createDefault()}, {@code
 * custom()}, {@code createSystem()} and the HTTP/2 builders. Their {@code execute(...)} runs {@code
 * InternalAbstractHttpAsyncClient.doExecute}, which has the request producer hand over the request
 * head at once, on the caller's thread, and passes a copy of it to {@code
 * executeImmediate(HttpRequest, ...)} before any I/O: that method is hooked, so the call site is
 * the application's code and the token header goes on the library's copy, never on the
 * application's request object. Retries and redirects go on below it, on I/O threads, with that
 * copy.
 *
 * <p>A {@code 401} answer reaches {@code AsyncProtocolExec.needAuthentication(...)} on an I/O
 * thread; that is hooked too, so that a token IMDS rejects (it restarted) is dropped, and the next
 * request gets a fresh one. The rejected request itself is not re-sent.
 *
 * <p>Not covered: {@code HttpAsyncClients.createMinimal()} ({@code MinimalHttpAsyncClient}), which
 * takes another path and hands over the application's own request object.
 */
public final class ApacheHttpAsyncClient5Instrumentation implements ClientInstrumentation {

    public static final String CLIENT = "apache-httpclient-5-async";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), ApacheHttpAsyncClient5Advice.class.getClassLoader())
                // 5 arguments in 5.4, 4 in 5.1 (which hands it a copy of the request as well).
                .advice(
                        named("executeImmediate")
                                .and(
                                        takesArgument(
                                                0, named("org.apache.hc.core5.http.HttpRequest"))),
                        ApacheHttpAsyncClient5Advice.class.getName())
                .advice(
                        named("needAuthentication")
                                .and(takesArguments(7))
                                .and(
                                        takesArgument(
                                                5, named("org.apache.hc.core5.http.HttpResponse")))
                                .and(
                                        takesArgument(
                                                6,
                                                named(
                                                        "org.apache.hc.client5.http.protocol.HttpClientContext"))),
                        ApacheHttpAsyncClient5ResponseAdvice.class.getName());
    }
}
