package io.imdsguard.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The byte-level first look: it may let through a class that names no IMDS (the exact check
 * follows) but must never drop one that does. The addresses are bytes in memory here; no socket is
 * opened.
 */
class ScanPrefilterTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyWordIsSeenAnywhereAndInAnyCase() {
        for (String word :
                new String[] {
                    "latest/",
                    "169.254.169.254",
                    "instance-data",
                    "fd00:ec2::254",
                    "X-aws-ec2-metadata-token",
                    "X-AWS-EC2-METADATA-TOKEN",
                    "FD00:EC2::254"
                }) {
            assertTrue(RawPrefilter.mayNameImds(bytes(word)), word);
            assertTrue(
                    RawPrefilter.mayNameImds(
                            bytes("\u0001\u0000\u0020 some text " + word + " more")),
                    word);
            assertTrue(RawPrefilter.mayNameImds(bytes("xx" + word)), word);
        }
        assertFalse(
                RawPrefilter.mayNameImds(
                        bytes("java/lang/Object metadata instance-of latest 169.254.1.1 ec2:254")));
        byte[] text = bytes("abc latest/ def");
        assertFalse(RawPrefilter.mayNameImds(text, 0, 10), "the word ends past the range");
        assertFalse(
                RawPrefilter.mayNameImds(text, 5, text.length), "the word starts before the range");
        assertTrue(RawPrefilter.mayNameImds(text, 4, 11));
    }

    @Test
    void theConstantPoolEndIsFoundOnlyOnceAllOfItIsThere() {
        byte[] plain = TestClasses.classWith("com/acme/Plain", 1, "run", "hello");
        int end = RawPrefilter.constantPoolEnd(plain, plain.length);
        assertTrue(end > 10 && end < plain.length, "end " + end);
        // access flags, then this_class: an index into the pool, within its count
        int count = (plain[8] & 0xff) << 8 | (plain[9] & 0xff);
        int thisClass = (plain[end + 2] & 0xff) << 8 | (plain[end + 3] & 0xff);
        assertTrue(thisClass > 0 && thisClass < count, "this_class " + thisClass);
        assertEquals(RawPrefilter.MORE_BYTES, RawPrefilter.constantPoolEnd(plain, end - 1));
        assertEquals(end, RawPrefilter.constantPoolEnd(plain, end));
        assertEquals(
                RawPrefilter.UNKNOWN, RawPrefilter.constantPoolEnd(bytes("not a class file"), 16));
        assertFalse(RawPrefilter.mayNameImds(plain, 0, end));
        byte[] legacy =
                TestClasses.classWith(
                        "com/acme/Legacy", 1, "run", "http://169.254.169.254/latest/meta-data/");
        assertTrue(
                RawPrefilter.mayNameImds(
                        legacy, 0, RawPrefilter.constantPoolEnd(legacy, legacy.length)));
    }
}
