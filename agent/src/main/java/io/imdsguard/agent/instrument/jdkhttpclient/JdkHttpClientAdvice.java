package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined at the start of {@code jdk.internal.net.http.HttpClientImpl}'s four-argument {@code
 * sendAsync}, the one funnel that {@code send} and every public {@code sendAsync} pass through, on
 * the caller's thread (so the stack shows the application's code, even for async calls). The
 * request may be replaced before it is sent.
 */
public final class JdkHttpClientAdvice {

    private JdkHttpClientAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void beforeSend(
            @Advice.This Object client,
            @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC)
                    Object request) {
        Object sent = ImdsBridge.sending(JdkHttpRequests.CLIENT, request, client);
        if (sent != null) {
            request = sent;
        }
    }

    /** The future may be replaced by one that retries once when IMDS rejects the agent's token. */
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterSend(
            @Advice.This Object client,
            @Advice.Argument(0) Object sentRequest,
            @Advice.Argument(1) Object bodyHandler,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future) {
        Object handedOn =
                ImdsBridge.answered(
                        JdkHttpRequests.CLIENT, sentRequest, client, future, bodyHandler);
        if (handedOn != null) {
            future = handedOn;
        }
    }
}
