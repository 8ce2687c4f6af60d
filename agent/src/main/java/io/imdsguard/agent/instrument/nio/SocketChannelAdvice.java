package io.imdsguard.agent.instrument.nio;

import io.imdsguard.bootstrap.ImdsBridge;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.SocketChannelImpl}, the JDK's NIO socket channel, through which
 * {@code java.net.http}, Netty's NIO transport, Apache HttpAsyncClient and Jetty write. A channel
 * is judged once, when it connects, by its remote address; only the writes of a channel to IMDS are
 * read. The end of a write is told how much it sent only for a channel to IMDS: elsewhere the value
 * its start returned is null, and the end costs that test.
 *
 * <p>Every write of every channel in the JVM runs this code, and the JIT inlines {@code write} into
 * its callers only while it stays under its size limit for hot methods (325 bytes of bytecode on
 * x86-64; the JDK's own {@code write} is about 210 on Java 11 to 21). So the advice adds as little
 * as it can: the end is inlined at normal returns only (no handler around the method: a write that
 * throws sent nothing the backstop needs to know of, see {@link ChannelHead#sent}) and does not
 * copy the arguments.
 */
public final class SocketChannelAdvice {

    private SocketChannelAdvice() {}

    /**
     * The start of {@code connect(SocketAddress)}: the address is resolved by then, whether it
     * blocks or not.
     */
    public static final class Connect {
        private Connect() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void beforeConnect(
                @Advice.This Object channel, @Advice.Argument(0) SocketAddress remote) {
            ImdsBridge.channelConnecting(channel, remote);
        }
    }

    /**
     * {@code write(ByteBuffer)}. The start is not suppressed on purpose: the refusal of a v1
     * request in enforce mode is an {@link IOException} the caller must receive. The bridge itself
     * never throws.
     */
    public static final class Write {
        private Write() {}

        @Advice.OnMethodEnter
        static Object beforeWrite(
                @Advice.This Object channel, @Advice.Argument(0) ByteBuffer source)
                throws IOException {
            Object seen = ImdsBridge.channelWrite(channel, source, null, 0, 0);
            if (seen instanceof IOException) {
                throw (IOException) seen;
            }
            return seen;
        }

        @Advice.OnMethodExit(backupArguments = false)
        static void afterWrite(@Advice.Enter Object seen, @Advice.Return int sent) {
            if (seen != null) {
                ImdsBridge.channelWritten(seen, sent);
            }
        }
    }

    /** {@code write(ByteBuffer[], int, int)}; see {@link Write}. */
    public static final class WriteArray {
        private WriteArray() {}

        @Advice.OnMethodEnter
        static Object beforeWrite(
                @Advice.This Object channel,
                @Advice.Argument(0) ByteBuffer[] sources,
                @Advice.Argument(1) int offset,
                @Advice.Argument(2) int length)
                throws IOException {
            Object seen = ImdsBridge.channelWrite(channel, null, sources, offset, length);
            if (seen instanceof IOException) {
                throw (IOException) seen;
            }
            return seen;
        }

        @Advice.OnMethodExit(backupArguments = false)
        static void afterWrite(@Advice.Enter Object seen, @Advice.Return long sent) {
            if (seen != null) {
                ImdsBridge.channelWritten(seen, sent);
            }
        }
    }
}
