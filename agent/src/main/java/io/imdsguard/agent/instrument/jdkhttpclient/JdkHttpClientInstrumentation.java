package io.imdsguard.agent.instrument.jdkhttpclient;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * {@code java.net.http.HttpClient} (Java 11+): {@code send} and {@code sendAsync}, and the redirect
 * filter that follows redirect answers when the client is built with {@code Redirect.NORMAL} or
 * {@code ALWAYS} (see {@link JdkHttpRedirectAdvice}).
 */
public final class JdkHttpClientInstrumentation implements ClientInstrumentation {

    @Override
    public String client() {
        return JdkHttpRequests.CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), JdkHttpClientAdvice.class.getClassLoader())
                .advice(
                        named("sendAsync").and(takesArguments(4)),
                        JdkHttpClientAdvice.class.getName())
                .advice(
                        named("response")
                                .and(takesArguments(1))
                                .and(isDeclaredBy(named("jdk.internal.net.http.RedirectFilter"))),
                        JdkHttpRedirectAdvice.class.getName());
    }
}
