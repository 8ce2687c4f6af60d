package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;

import java.net.HttpURLConnection;

/**
 * Inlined at the start of {@code sun.net.www.protocol.http.HttpURLConnection.connect()}. Every way
 * of sending a request ({@code getInputStream}, {@code getOutputStream}, {@code getResponseCode},
 * {@code URL.openStream}) and every redirect hop passes through {@code connect()}; the
 * {@code connected} check keeps a second call on a live connection from counting twice. At this
 * point the request headers can still be changed.
 */
public final class HttpUrlConnectionAdvice {

    private HttpUrlConnectionAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void beforeConnect(@Advice.This HttpURLConnection connection,
                              @Advice.FieldValue("connected") boolean connected) {
        if (!connected) {
            ImdsBridge.beforeConnect(connection);
        }
    }
}
