package io.imdsguard.agent.scan;

/**
 * A first look at a class file's bytes, before any parsing: can any constant in it name IMDS?
 * Almost every class answers no here, in one pass over bytes that were just inflated, so the scan
 * costs little more than reading the archive. The words are ASCII, which the class file's modified
 * UTF-8 stores as is; what passes is then checked exactly by {@link ImdsMarker} on the parsed constants.
 */
final class RawPrefilter {

    private static final byte[][] EXACT = {ascii("latest/"), ascii("169.254.169.254"), ascii("instance-data")};
    /** Lower case; matched in any case. */
    private static final byte[][] ANY_CASE = {ascii("ec2::254"), ascii("metadata-token")};

    private RawPrefilter() {
    }

    static boolean mayNameImds(byte[] classFile) {
        for (int i = 0; i < classFile.length; i++) {
            int b = classFile[i];
            if (b == 'l' || b == '1' || b == 'i') {
                for (byte[] word : EXACT) {
                    if (word[0] == b && matches(classFile, i, word, false)) {
                        return true;
                    }
                }
            }
            int lower = b | 0x20;
            if (lower == 'e' || lower == 'm') {
                for (byte[] word : ANY_CASE) {
                    if (word[0] == lower && matches(classFile, i, word, true)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean matches(byte[] bytes, int at, byte[] word, boolean anyCase) {
        if (at + word.length > bytes.length) {
            return false;
        }
        for (int j = 1; j < word.length; j++) {
            int b = bytes[at + j];
            if (anyCase && b >= 'A' && b <= 'Z') {
                b |= 0x20;
            }
            if (b != word[j]) {
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
