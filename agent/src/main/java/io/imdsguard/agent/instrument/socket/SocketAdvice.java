package io.imdsguard.agent.instrument.socket;

import io.imdsguard.bootstrap.ImdsBridge;
import java.io.OutputStream;
import java.net.Socket;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of {@code java.net.Socket.getOutputStream()}: the stream of a socket connected
 * to IMDS is handed out wrapped, so that the request heads written to it can be read.
 */
public final class SocketAdvice {

    private SocketAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void afterGetOutputStream(
            @Advice.This Socket socket, @Advice.Return(readOnly = false) OutputStream out) {
        Object watched = ImdsBridge.sending(SocketRequests.CLIENT, out, socket);
        if (watched != null) {
            out = (OutputStream) watched;
        }
    }
}
