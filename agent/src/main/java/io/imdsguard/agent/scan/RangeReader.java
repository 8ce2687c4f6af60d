package io.imdsguard.agent.scan;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a byte range of a file (a whole archive, or a jar stored in one) by position, through a
 * small window: the central directory and the entries it names are read in file order, so most
 * reads are served from the window and a skipped entry costs no read at all. Positional reads leave
 * the channel's own position alone, so several readers (and threads) may share one channel.
 */
final class RangeReader {

    private final FileChannel channel;
    private final long base;
    final long length;
    private final byte[] window;
    private long windowStart;
    private int windowLength;

    RangeReader(FileChannel channel, long base, long length, int windowSize) {
        this.channel = channel;
        this.base = base;
        this.length = length;
        this.window = new byte[windowSize];
    }

    /** The bytes {@code [at, at + count)} of the range. */
    void readFully(long at, byte[] into, int offset, int count) throws IOException {
        if (at < 0 || count < 0 || at + count > length) {
            throw new EOFException("reads past the end of the archive, at byte " + at);
        }
        if (at >= windowStart && at + count <= windowStart + windowLength) {
            System.arraycopy(window, (int) (at - windowStart), into, offset, count);
            return;
        }
        if (count > window.length / 2) {
            direct(at, into, offset, count);
            return;
        }
        int fill = (int) Math.min(window.length, length - at);
        direct(at, window, 0, fill);
        windowStart = at;
        windowLength = fill;
        System.arraycopy(window, 0, into, offset, count);
    }

    int u16(byte[] scratch, long at) throws IOException {
        readFully(at, scratch, 0, 2);
        return u16(scratch, 0);
    }

    long u32(byte[] scratch, long at) throws IOException {
        readFully(at, scratch, 0, 4);
        return u32(scratch, 0);
    }

    static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
    }

    static long u32(byte[] bytes, int at) {
        return (u16(bytes, at) | (long) u16(bytes, at + 2) << 16) & 0xffffffffL;
    }

    static long u64(byte[] bytes, int at) {
        return u32(bytes, at) | u32(bytes, at + 4) << 32;
    }

    /**
     * The bytes {@code [at, at + count)} as a stream, read straight from the file in large chunks.
     */
    InputStream stream(final long at, final long count) {
        return new InputStream() {
            private long position = at;
            private final long end = Math.min(length, at + count);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int wanted) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int n = (int) Math.min(wanted, end - position);
                direct(position, into, offset, n);
                position += n;
                return n;
            }

            @Override
            public long skip(long n) {
                long skipped = Math.max(0, Math.min(n, end - position));
                position += skipped;
                return skipped;
            }
        };
    }

    private void direct(long at, byte[] into, int offset, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, count);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, base + at + (buffer.position() - offset)) < 0) {
                throw new EOFException(
                        "the file ends before the archive does, at byte "
                                + (at + buffer.position() - offset));
            }
        }
    }
}
