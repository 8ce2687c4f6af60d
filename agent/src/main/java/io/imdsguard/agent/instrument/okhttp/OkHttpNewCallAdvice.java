package io.imdsguard.agent.instrument.okhttp;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Inlined at the start of {@code okhttp3.OkHttpClient.newCall(Request)}, which the application (or
 * Retrofit on its behalf) calls on its own thread before {@code execute()} or {@code enqueue()}:
 * the stack shows the application's code even for asynchronous calls. {@link Request} is immutable,
 * so when the agent must set the token header the argument is replaced by a copy that carries it.
 *
 * <p>Only OkHttp's types, JDK types and {@link ImdsBridge} may be named here: the code runs inside
 * OkHttp's class. The methods used exist with the same signatures in OkHttp 3.x and 4.x.
 */
public final class OkHttpNewCallAdvice {

    private OkHttpNewCallAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void beforeNewCall(
            @Advice.This OkHttpClient client,
            @Advice.Argument(value = 0, readOnly = false) Request request) {
        // Most requests are not to IMDS: decide that from the host alone, before the URL is made a
        // string.
        if (request == null
                || !ImdsBridge.isImds(
                        request.url().scheme(), request.url().host(), request.url().port())) {
            return;
        }
        boolean relayed = false;
        for (String name : RelayHeaders.NAMES) {
            relayed |= request.header(name) != null;
        }
        // OkHttp uses its proxy when it has one, else asks its selector (the JVM's default unless
        // set).
        Object route = client.proxy() != null ? client.proxy() : client.proxySelector();
        String token =
                ImdsBridge.beforeRequest(
                        "okhttp",
                        request.method(),
                        request.url().toString(),
                        request.header(ImdsRequest.TOKEN_HEADER) != null,
                        relayed,
                        route,
                        null);
        if (token != null) {
            request = request.newBuilder().header(ImdsRequest.TOKEN_HEADER, token).build();
        }
    }
}
