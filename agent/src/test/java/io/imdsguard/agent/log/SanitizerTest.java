package io.imdsguard.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SanitizerTest {

    private static String repeat(String s, int times) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < times; i++) {
            out.append(s);
        }
        return out.toString();
    }

    private static void assertNoLineBreaksOrControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertFalse(
                    c < 0x20
                            || (c >= 0x7f && c <= 0x9f)
                            || c == '\u2028'
                            || c == '\u2029'
                            || (c >= '\u202a' && c <= '\u202e')
                            || (c >= '\u2066' && c <= '\u2069'),
                    "raw control U+" + Integer.toHexString(c) + " in " + text);
        }
    }

    @Test
    void crAndLfCannotForgeALogLine() {
        String forged =
                Sanitizer.path("/latest/meta-data/\r\n[imds-guard] IMDSv1 call from forged.Site");
        assertEquals("/latest/meta-data/\\r\\n[imds-guard] IMDSv1 call from forged.Site", forged);
        assertNoLineBreaksOrControls(forged);
    }

    @Test
    void otherControlAndLineSeparatorCharactersAreEscapedVisibly() {
        String out = Sanitizer.forLog("a\u0000b\u001b[31mc\td\u007fe\u0085f\u2028g\u2029h", 100);
        assertNoLineBreaksOrControls(out);
        assertEquals("a\\u0000b\\u001b[31mc\\u0009d\\u007fe\\u0085f\\u2028g\\u2029h", out);
    }

    @Test
    void terminalC1ControlsAndBidiOverridesAreEscapedVisibly() {
        // U+009B is CSI, which terminals act on like ESC [; U+202E shows what follows reversed
        String out = Sanitizer.forLog("a\u009b31mb\u202egnp.exe\u2066c\u200fd", 100);
        assertNoLineBreaksOrControls(out);
        assertEquals("a\\u009b31mb\\u202egnp.exe\\u2066c\\u200fd", out);
    }

    @Test
    void printableTextAndPercentEncodingAreKeptAsTheyAre() {
        String path =
                "/latest/meta-data/iam/security-credentials/%0d%0aX-Injected:%20yes<script>\u00e9";
        assertEquals(path, Sanitizer.path(path));
    }

    @Test
    void longTextIsCappedAndMarkedAsCut() {
        String exact = "/" + repeat("a", Sanitizer.MAX_PATH_LENGTH - 1);
        assertEquals(exact, Sanitizer.path(exact), "a path at the limit is kept whole");

        String huge = "/latest/meta-data/" + repeat("x", 100_000);
        String capped = Sanitizer.path(huge);
        assertTrue(capped.endsWith("..."), capped);
        assertEquals(Sanitizer.MAX_PATH_LENGTH + 3, capped.length());
        assertTrue(huge.startsWith(capped.substring(0, Sanitizer.MAX_PATH_LENGTH)));

        assertEquals("abcd...", Sanitizer.forLog("abcdefgh", 4));
    }

    @Test
    void escapingCannotDefeatTheCap() {
        String capped = Sanitizer.path(repeat("\r\n\u0001", 50_000));
        assertNoLineBreaksOrControls(capped);
        // at most one escape sequence (6 characters) overshoots the limit, then the marker
        assertTrue(
                capped.length() <= Sanitizer.MAX_PATH_LENGTH + 6 + 3, "length " + capped.length());
        assertTrue(capped.endsWith("..."));
    }

    @Test
    void nullBecomesEmptyText() {
        assertEquals("", Sanitizer.forLog(null, 10));
        assertEquals("", Sanitizer.path(null));
    }
}
