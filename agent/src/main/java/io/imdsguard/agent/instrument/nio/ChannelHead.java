package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.instrument.wire.HttpHeadSniffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The request heads of one channel to IMDS, followed across its writes. Each byte the channel sends
 * is read once by the head reader the socket backstop uses, so a head split over several writes (or
 * over the buffers of a gathering write) is read whole and by the same rules: bare-LF heads, odd
 * spacing, a head too long or unreadable is {@code unparsed}. Unlike a socket's stream, a channel's
 * bytes cannot be held back: the reader runs over a stream that discards, the bytes go out as the
 * application wrote them, and the write that would complete a request the agent refuses is refused
 * whole (and {@link ChannelRequests} resets the connection): a server answers no request whose head
 * never ended.
 *
 * <p>A write may send fewer bytes than it was given (a non-blocking channel whose buffer is full);
 * the rest must be the start of the next write, which the channel's stream order guarantees, and is
 * not read a second time.
 */
final class ChannelHead {

    static final String V1_REFUSED =
            "imds-guard: IMDSv1 request refused on the connection to IMDS"
                    + " (mode=enforce, as HttpTokens=required would refuse it)";

    /** Judges what the reader finds; true to refuse the write that completes it. */
    interface Judge {
        boolean refuseHead(
                String method, String path, boolean carriesToken, boolean relayed, String host);

        boolean refuseUnparsed(String method, String path, boolean requestLineRead, String reason);

        void failed(Throwable error);
    }

    private static final OutputStream DISCARD =
            new OutputStream() {
                @Override
                public void write(int b) {}

                @Override
                public void write(byte[] bytes, int offset, int length) {}
            };

    private final HttpHeadSniffer reader;

    /**
     * Bytes at the start of the next write that were read already: the last write sent fewer than
     * it was given.
     */
    private long readAhead;

    /** Bytes the current write was given. */
    private long offered;

    /** Bytes of the current write still to step over because an earlier write read them. */
    private long toSkip;

    /** Set while a write is read, when a complete head in it is refused. */
    private boolean refuseWrite;

    /** Why the channel was refused, or null; every later write fails once it is set. */
    private String refused;

    ChannelHead(final Judge judge) {
        this.reader =
                new HttpHeadSniffer(
                        DISCARD,
                        new HttpHeadSniffer.HeadHandler() {
                            @Override
                            public String onHead(
                                    String method,
                                    String path,
                                    boolean carriesToken,
                                    boolean relayed) {
                                return onHead(method, path, carriesToken, relayed, null);
                            }

                            @Override
                            public String onHead(
                                    String method,
                                    String path,
                                    boolean carriesToken,
                                    boolean relayed,
                                    String host) {
                                if (judge.refuseHead(method, path, carriesToken, relayed, host)) {
                                    refuseWrite = true;
                                }
                                // No header can be added: the bytes are in the application's
                                // buffers already.
                                return null;
                            }

                            @Override
                            public boolean onUnparsed(
                                    String method,
                                    String path,
                                    boolean requestLineRead,
                                    String reason) {
                                return judge.refuseUnparsed(method, path, requestLineRead, reason);
                            }

                            @Override
                            public void failed(Throwable error) {
                                judge.failed(error);
                            }
                        });
    }

    /**
     * A write is about to send {@code single}, or {@code sources[offset..offset+length)}.
     *
     * @return the refusal to throw, this to be told after the write how much it sent, or null when
     *     the rest of the channel is not read (not HTTP/1, or nothing the reader can follow)
     */
    synchronized Object offer(ByteBuffer single, ByteBuffer[] sources, int offset, int length) {
        if (refused != null) {
            return new IOException(refused);
        }
        if (reader.passingThrough()) {
            return null;
        }
        offered = 0;
        toSkip = readAhead;
        refuseWrite = false;
        try {
            if (single != null) {
                read(single);
            } else if (sources != null) {
                for (int i = offset; i < offset + length && i < sources.length; i++) {
                    read(sources[i]);
                }
            }
        } catch (IOException refusal) {
            // The reader refused an unreadable request; it refuses every later byte as well.
            refused = refusal.getMessage();
            return refusal;
        }
        if (refuseWrite) {
            refused = V1_REFUSED;
            return new IOException(V1_REFUSED);
        }
        readAhead = offered;
        return this;
    }

    /**
     * The write given to {@link #offer} sent {@code sent} bytes. Not called for a write that threw:
     * until told, {@link #offer} takes a write to have sent nothing, so its bytes are not read a
     * second time when the application writes them again.
     */
    synchronized void sent(long sent) {
        readAhead = Math.max(0, offered - Math.max(0, sent));
    }

    private void read(ByteBuffer buffer) throws IOException {
        if (buffer == null) {
            return;
        }
        int remaining = buffer.remaining();
        offered += remaining;
        if (toSkip >= remaining) {
            toSkip -= remaining;
            return;
        }
        ByteBuffer view = buffer.duplicate();
        view.position(view.position() + (int) toSkip);
        toSkip = 0;
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        reader.write(bytes, 0, bytes.length);
    }
}
