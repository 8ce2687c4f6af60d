package io.imdsguard.agent.instrument.nio;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The connection backstop for NIO: {@code sun.nio.ch.SocketChannelImpl}, the JDK's socket channel.
 */
public final class SocketChannelInstrumentation implements ClientInstrumentation {

    @Override
    public String client() {
        return ChannelRequests.CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), SocketChannelAdvice.class.getClassLoader())
                .advice(
                        named("connect")
                                .and(takesArguments(1))
                                .and(takesArgument(0, named("java.net.SocketAddress"))),
                        SocketChannelAdvice.Connect.class.getName())
                .advice(
                        named("write")
                                .and(takesArguments(1))
                                .and(takesArgument(0, named("java.nio.ByteBuffer"))),
                        SocketChannelAdvice.Write.class.getName())
                .advice(
                        named("write")
                                .and(takesArguments(3))
                                .and(takesArgument(0, java.nio.ByteBuffer[].class)),
                        SocketChannelAdvice.WriteArray.class.getName());
    }
}
