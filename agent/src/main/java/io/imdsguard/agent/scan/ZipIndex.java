package io.imdsguard.agent.scan;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * An archive read by its central directory, the list at its end of every entry with its sizes and
 * where it starts: so the scan reads only the entries that can matter (classes, nested archives,
 * pom.properties, the manifest) and leaves every other entry's bytes unread and uninflated, and a
 * jar stored in the archive (as Spring Boot stores BOOT-INF/lib) is a byte range another thread can
 * read on its own. The directory is walked entry by entry, never held whole in memory. An archive
 * without a readable end record (truncated, or ZIP64: more than 65535 entries or 4 GB) has no
 * index; the caller then reads it as a stream.
 */
final class ZipIndex {

    private static final long END_SIGNATURE = 0x06054b50L;
    private static final long DIRECTORY_SIGNATURE = 0x02014b50L;
    private static final long LOCAL_SIGNATURE = 0x04034b50L;
    private static final int END_LENGTH = 22;
    private static final int DIRECTORY_LENGTH = 46;
    private static final int LOCAL_LENGTH = 30;
    static final int STORED = 0;
    static final int DEFLATED = 8;

    private final RangeReader directory;
    private final RangeReader data;
    private final long directoryEnd;

    /** Bytes in front of the archive (a launch script): its offsets count from after them. */
    private final long shift;

    private final byte[] scratch = new byte[DIRECTORY_LENGTH];
    private long next;
    private byte[] compressed = new byte[16 * 1024];

    /** Where a class is inflated until its constant pool shows whether the rest is needed. */
    private byte[] head = new byte[64 * 1024];

    private final Inflater inflater = new Inflater(true);

    private ZipIndex(
            RangeReader directory,
            RangeReader data,
            long directoryStart,
            long directoryEnd,
            long shift) {
        this.directory = directory;
        this.data = data;
        this.next = directoryStart;
        this.directoryEnd = directoryEnd;
        this.shift = shift;
    }

    /**
     * The index of the archive in {@code [base, base + length)} of the file; null when it has none
     * that is usable.
     */
    static ZipIndex open(FileChannel channel, long base, long length) throws IOException {
        RangeReader tail = new RangeReader(channel, base, length, 8 * 1024);
        int tailLength = (int) Math.min(length, END_LENGTH + 0xffff);
        if (tailLength < END_LENGTH) {
            return null;
        }
        byte[] end = new byte[tailLength];
        tail.readFully(length - tailLength, end, 0, tailLength);
        for (int at = tailLength - END_LENGTH; at >= 0; at--) {
            if (RangeReader.u32(end, at) != END_SIGNATURE) {
                continue;
            }
            int entries = RangeReader.u16(end, at + 10);
            long size = RangeReader.u32(end, at + 12);
            long offset = RangeReader.u32(end, at + 16);
            if (entries == 0xffff || size == 0xffffffffL || offset == 0xffffffffL) {
                return null;
            }
            long endAt = length - tailLength + at;
            long start = endAt - size;
            if (start < 0 || start < offset) {
                continue;
            }
            RangeReader reader = new RangeReader(channel, base, length, 64 * 1024);
            if (size > 0 && reader.u32(new byte[4], start) != DIRECTORY_SIGNATURE) {
                continue;
            }
            return new ZipIndex(
                    reader,
                    new RangeReader(channel, base, length, 128 * 1024),
                    start,
                    endAt,
                    start - offset);
        }
        return null;
    }

    /** The next entry in the directory's order, or null after the last. */
    Entry next() throws IOException {
        if (next >= directoryEnd) {
            return null;
        }
        directory.readFully(next, scratch, 0, DIRECTORY_LENGTH);
        if (RangeReader.u32(scratch, 0) != DIRECTORY_SIGNATURE) {
            throw new IOException("a corrupt central directory at byte " + next);
        }
        int flags = RangeReader.u16(scratch, 8);
        int method = RangeReader.u16(scratch, 10);
        long compressedSize = RangeReader.u32(scratch, 20);
        long size = RangeReader.u32(scratch, 24);
        int nameLength = RangeReader.u16(scratch, 28);
        int extraLength = RangeReader.u16(scratch, 30);
        int commentLength = RangeReader.u16(scratch, 32);
        long local = RangeReader.u32(scratch, 42);
        byte[] name = new byte[nameLength];
        directory.readFully(next + DIRECTORY_LENGTH, name, 0, nameLength);
        if (compressedSize == 0xffffffffL || size == 0xffffffffL || local == 0xffffffffL) {
            // ZIP64 sizes: in the extra field, each present only when its 32-bit field is all ones
            byte[] extra = new byte[extraLength];
            directory.readFully(next + DIRECTORY_LENGTH + nameLength, extra, 0, extraLength);
            for (int at = 0; at + 4 <= extraLength; ) {
                int id = RangeReader.u16(extra, at);
                int length = RangeReader.u16(extra, at + 2);
                int field = at + 4;
                if (id == 1) {
                    if (size == 0xffffffffL && field + 8 <= extraLength) {
                        size = RangeReader.u64(extra, field);
                        field += 8;
                    }
                    if (compressedSize == 0xffffffffL && field + 8 <= extraLength) {
                        compressedSize = RangeReader.u64(extra, field);
                        field += 8;
                    }
                    if (local == 0xffffffffL && field + 8 <= extraLength) {
                        local = RangeReader.u64(extra, field);
                    }
                    break;
                }
                at = field + length;
            }
        }
        next += DIRECTORY_LENGTH + nameLength + extraLength + commentLength;
        if (compressedSize < 0 || size < 0 || local < 0) {
            throw new IOException(
                    "a corrupt central directory: an entry's size or offset is out of range");
        }
        return new Entry(
                new String(name, StandardCharsets.UTF_8),
                flags,
                method,
                compressedSize,
                size,
                local + shift);
    }

    /**
     * Where an entry's (compressed) bytes start: after its local header, whose lengths may differ
     * from the directory's.
     */
    long dataStart(Entry entry) throws IOException {
        byte[] local = new byte[LOCAL_LENGTH];
        data.readFully(entry.localHeader, local, 0, LOCAL_LENGTH);
        if (RangeReader.u32(local, 0) != LOCAL_SIGNATURE) {
            throw new IOException(
                    "no entry header where the directory says it is (byte "
                            + entry.localHeader
                            + ")");
        }
        long start =
                entry.localHeader
                        + LOCAL_LENGTH
                        + RangeReader.u16(local, 26)
                        + RangeReader.u16(local, 28);
        if (start + entry.compressedSize > data.length) {
            throw new IOException("the entry runs past the end of the archive");
        }
        return start;
    }

    /** An entry's bytes, inflated; the caller checked its stated size against its limit. */
    byte[] read(Entry entry) throws IOException {
        if ((entry.flags & 1) != 0) {
            throw new IOException("encrypted, which the scan cannot read");
        }
        if (entry.method != STORED && entry.method != DEFLATED) {
            throw new IOException(
                    "compressed with method " + entry.method + ", which the scan does not read");
        }
        long start = dataStart(entry);
        byte[] bytes = new byte[(int) entry.size];
        if (entry.method == STORED) {
            if (entry.compressedSize != entry.size) {
                throw new IOException("a stored entry whose two sizes differ");
            }
            data.readFully(start, bytes, 0, bytes.length);
            return bytes;
        }
        if (entry.compressedSize > Integer.MAX_VALUE - 16) {
            throw new IOException("compressed larger than any entry the scan reads");
        }
        int compressedSize = (int) entry.compressedSize;
        if (compressed.length < compressedSize) {
            compressed = new byte[Math.max(compressedSize, compressed.length * 2)];
        }
        data.readFully(start, compressed, 0, compressedSize);
        inflater.reset();
        inflater.setInput(compressed, 0, compressedSize);
        int filled = 0;
        try {
            while (filled < bytes.length) {
                int n = inflater.inflate(bytes, filled, bytes.length - filled);
                if (n == 0
                        && (inflater.finished()
                                || inflater.needsInput()
                                || inflater.needsDictionary())) {
                    break;
                }
                filled += n;
            }
            if (filled < bytes.length) {
                throw new IOException(
                        "inflates to "
                                + filled
                                + " bytes, less than its stated size "
                                + bytes.length);
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new IOException("inflates to more than its stated size " + bytes.length);
            }
        } catch (DataFormatException e) {
            throw new IOException("a corrupt entry: " + e.getMessage());
        }
        return bytes;
    }

    /**
     * A class entry's bytes, or null when its constant pool names no IMDS: then only the pool (the
     * first part, about half, of the class) was inflated, and nothing after it.
     */
    byte[] readClass(Entry entry) throws IOException {
        if (entry.method != DEFLATED || (entry.flags & 1) != 0 || entry.size < 1024) {
            return read(entry);
        }
        long start = dataStart(entry);
        int size = (int) entry.size;
        if (entry.compressedSize > Integer.MAX_VALUE - 16) {
            throw new IOException("compressed larger than any entry the scan reads");
        }
        int compressedSize = (int) entry.compressedSize;
        if (compressed.length < compressedSize) {
            compressed = new byte[Math.max(compressedSize, compressed.length * 2)];
        }
        data.readFully(start, compressed, 0, compressedSize);
        if (head.length < size) {
            head = new byte[Math.max(size, head.length * 2)];
        }
        inflater.reset();
        inflater.setInput(compressed, 0, compressedSize);
        int filled = 0;
        int wanted = Math.min(size, 2048);
        try {
            while (true) {
                filled = inflateTo(head, filled, wanted);
                int end = RawPrefilter.constantPoolEnd(head, filled);
                if (end >= 0) {
                    if (!RawPrefilter.mayNameImds(head, 0, end)) {
                        return null;
                    }
                    break;
                }
                if (end == RawPrefilter.UNKNOWN || filled < wanted || wanted == size) {
                    break;
                }
                wanted = Math.min(size, wanted * 2);
            }
            filled = inflateTo(head, filled, size);
            if (filled < size) {
                throw new IOException(
                        "inflates to " + filled + " bytes, less than its stated size " + size);
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new IOException("inflates to more than its stated size " + size);
            }
        } catch (DataFormatException e) {
            throw new IOException("a corrupt entry: " + e.getMessage());
        }
        return java.util.Arrays.copyOf(head, size);
    }

    /** Inflates into {@code bytes} until {@code wanted} of them are filled, or the data ends. */
    private int inflateTo(byte[] bytes, int filled, int wanted) throws DataFormatException {
        while (filled < wanted) {
            int n = inflater.inflate(bytes, filled, wanted - filled);
            if (n == 0
                    && (inflater.finished()
                            || inflater.needsInput()
                            || inflater.needsDictionary())) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /** Frees the inflater's native memory now rather than when it is collected. */
    void close() {
        inflater.end();
    }

    /** One entry as the central directory states it. */
    static final class Entry {
        final String name;
        final int flags;
        final int method;
        final long compressedSize;
        final long size;

        /** Where its local header is, from the start of the range. */
        final long localHeader;

        Entry(
                String name,
                int flags,
                int method,
                long compressedSize,
                long size,
                long localHeader) {
            this.name = name;
            this.flags = flags;
            this.method = method;
            this.compressedSize = compressedSize;
            this.size = size;
            this.localHeader = localHeader;
        }

        boolean isDirectory() {
            return name.endsWith("/");
        }
    }
}
