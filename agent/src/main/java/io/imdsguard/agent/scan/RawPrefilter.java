package io.imdsguard.agent.scan;

/**
 * A first look at a class file's bytes, before any parsing: can any constant in it name IMDS?
 * Almost every class answers no here, in one pass over bytes that were just inflated, so the scan
 * costs little more than reading the archive. The words are ASCII, which the class file's modified
 * UTF-8 stores as is; what passes is then checked exactly by {@link ImdsMarker} on the parsed
 * constants.
 */
final class RawPrefilter {

    /**
     * The words, lower case; matched in any case here (the exact check comes after, on the parsed
     * constants).
     */
    private static final byte[][] WORDS = {
        ascii("latest/"),
        ascii("169.254.169.254"),
        ascii("instance-data"),
        ascii("ec2::254"),
        ascii("metadata-token")
    };

    /** Bytes folded to lower case: one table look-up a byte. */
    private static final byte[] LOWER = new byte[256];

    /**
     * The words' first seven bytes, as the low seven bytes of a long: every word is at least that
     * long.
     */
    private static final long[] HEADS = new long[WORDS.length];

    private static final long SEVEN_BYTES = 0x00ffffffffffffffL;

    /**
     * Whether some word starts with the seven bytes hashing here: most windows miss it in one
     * look-up.
     */
    private static final boolean[] STARTS = new boolean[1 << 12];

    static {
        for (int b = 0; b < 256; b++) {
            LOWER[b] = (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
        }
        for (int w = 0; w < WORDS.length; w++) {
            long head = 0;
            for (int j = 0; j < 7; j++) {
                head = head << 8 | (WORDS[w][j] & 0xff);
            }
            HEADS[w] = head;
            STARTS[slot(head)] = true;
        }
    }

    private RawPrefilter() {}

    private static int slot(long sevenBytes) {
        return (int) ((sevenBytes * 0x9E3779B97F4A7C15L) >>> 52);
    }

    static boolean mayNameImds(byte[] classFile) {
        return mayNameImds(classFile, 0, classFile.length);
    }

    /**
     * The same for the bytes {@code [from, to)}: a class file's constant pool, where all its
     * strings are. The last seven bytes seen, folded to lower case, are looked up in a small table
     * of the words' beginnings; only a hit (rare) compares them, and only a match a whole word.
     */
    static boolean mayNameImds(byte[] classFile, int from, int to) {
        long last8 = 0;
        for (int i = from; i < to; i++) {
            last8 = last8 << 8 | (LOWER[classFile[i] & 0xff] & 0xff);
            long last7 = last8 & SEVEN_BYTES;
            if (STARTS[slot(last7)] && i - 6 >= from && startsAWord(classFile, i - 6, to, last7)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsAWord(byte[] bytes, int at, int to, long head) {
        for (int w = 0; w < WORDS.length; w++) {
            if (HEADS[w] == head && matches(bytes, at, to, WORDS[w])) {
                return true;
            }
        }
        return false;
    }

    /** {@link #constantPoolEnd}: the bytes so far end inside the constant pool. */
    static final int MORE_BYTES = -1;

    /** {@link #constantPoolEnd}: not a constant pool this reader knows; read the whole class. */
    static final int UNKNOWN = -2;

    /**
     * Where a class file's constant pool ends, from its first {@code available} bytes: every string
     * a class holds is in it, so a class whose pool names no IMDS needs nothing after it, and its
     * entry need not be inflated further. {@link #MORE_BYTES} when the pool goes on past them.
     */
    static int constantPoolEnd(byte[] classFile, int available) {
        if (available < 10) {
            return MORE_BYTES;
        }
        if ((classFile[0] & 0xff) != 0xca
                || (classFile[1] & 0xff) != 0xfe
                || (classFile[2] & 0xff) != 0xba
                || (classFile[3] & 0xff) != 0xbe) {
            return UNKNOWN;
        }
        int count = (classFile[8] & 0xff) << 8 | (classFile[9] & 0xff);
        int at = 10;
        for (int index = 1; index < count; index++) {
            if (at >= available) {
                return MORE_BYTES;
            }
            int size;
            switch (classFile[at]) {
                case 1: // Utf8
                    if (at + 3 > available) {
                        return MORE_BYTES;
                    }
                    size = 3 + ((classFile[at + 1] & 0xff) << 8 | (classFile[at + 2] & 0xff));
                    break;
                case 7:
                case 8:
                case 16:
                case 19:
                case 20: // Class, String, MethodType, Module, Package
                    size = 3;
                    break;
                case 15: // MethodHandle
                    size = 4;
                    break;
                case 3:
                case 4:
                case 9:
                case 10:
                case 11:
                case 12:
                case 17:
                case 18:
                    size = 5;
                    break;
                case 5:
                case 6: // Long, Double: two slots
                    size = 9;
                    index++;
                    break;
                default:
                    return UNKNOWN;
            }
            at += size;
        }
        return at <= available ? at : MORE_BYTES;
    }

    private static boolean matches(byte[] bytes, int at, int to, byte[] word) {
        if (at + word.length > to) {
            return false;
        }
        for (int j = 0; j < word.length; j++) {
            if (LOWER[bytes[at + j] & 0xff] != word[j]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String word) {
        byte[] bytes = new byte[word.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) word.charAt(i);
        }
        return bytes;
    }
}
