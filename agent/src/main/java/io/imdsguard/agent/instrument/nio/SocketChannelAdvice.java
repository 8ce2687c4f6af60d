package io.imdsguard.agent.instrument.nio;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Inlined into {@code sun.nio.ch.SocketChannelImpl}, the JDK's NIO socket channel, through which
 * {@code java.net.http}, Netty's NIO transport, Apache HttpAsyncClient and Jetty write. A channel is
 * judged once, when it connects, by its remote address; only the writes of a channel to IMDS are read.
 */
public final class SocketChannelAdvice {

    private SocketChannelAdvice() {
    }

    /** The start of {@code connect(SocketAddress)}: the address is resolved by then, whether it blocks or not. */
    public static final class Connect {
        private Connect() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void beforeConnect(@Advice.This Object channel, @Advice.Argument(0) SocketAddress remote) {
            ImdsBridge.channelConnecting(channel, remote);
        }
    }

    /**
     * The start of {@code write(ByteBuffer)}. Not suppressed on purpose: the refusal of a v1 request in
     * enforce mode is an {@link IOException} the caller must receive. The bridge itself never throws.
     */
    public static final class Write {
        private Write() {
        }

        @Advice.OnMethodEnter
        static void beforeWrite(@Advice.This Object channel, @Advice.Argument(0) ByteBuffer source) throws IOException {
            IOException refusal = ImdsBridge.channelWrite(channel, source, null, 0, 0);
            if (refusal != null) {
                throw refusal;
            }
        }
    }

    /** The start of {@code write(ByteBuffer[], int, int)}; see {@link Write}. */
    public static final class WriteArray {
        private WriteArray() {
        }

        @Advice.OnMethodEnter
        static void beforeWrite(@Advice.This Object channel, @Advice.Argument(0) ByteBuffer[] sources,
                                @Advice.Argument(1) int offset, @Advice.Argument(2) int length) throws IOException {
            IOException refusal = ImdsBridge.channelWrite(channel, null, sources, offset, length);
            if (refusal != null) {
                throw refusal;
            }
        }
    }
}
