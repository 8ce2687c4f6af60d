package io.imdsguard.agent.instrument.socket;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The catch-all: a blocking {@code java.net.Socket} to IMDS, written by code that no client
 * instrumentation covers (a hand-written client, an old or unknown library).
 */
public final class SocketInstrumentation implements ClientInstrumentation {

    @Override
    public String client() {
        return SocketRequests.CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), SocketAdvice.class.getClassLoader())
                .advice(
                        named("getOutputStream").and(takesArguments(0)),
                        SocketAdvice.class.getName());
    }
}
