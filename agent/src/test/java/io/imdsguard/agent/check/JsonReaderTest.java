package io.imdsguard.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsWhatJsonAllows() throws Exception {
        assertEquals(
                Arrays.asList("<", 1L, -2.5e3, null, true, false, "a\"\\/\b\f\n\r\t\u00e9"),
                JsonReader.parse(
                        " [\"\\u003c\", 1, -2.5e3, null, true, false, \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"] "));
        Map<String, Object> expected = new LinkedHashMap<String, Object>();
        expected.put("b", 1L);
        expected.put("a", Arrays.asList());
        expected.put("c", new LinkedHashMap<String, Object>());
        assertEquals(expected, JsonReader.parse("{\"b\":1,\"a\":[],\"c\":{}}"));
        assertEquals(1.0e20, JsonReader.parse("100000000000000000000"), "too big for a long");
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad :
                new String[] {
                    "{\"a\": 1,}",
                    "[1,]",
                    "{\"a\" 1}",
                    "{\"a\": \"x\ny\"}",
                    "{\"a\": \"\\x\"}",
                    "{\"a\": 1} x",
                    "{\"a\": 01}",
                    "{'a': 1}",
                    "{\"a\": 1, \"a\": 2}",
                    "{\"a\": tru}",
                    "",
                    "-",
                    "1.",
                    "1e",
                    "\"\\u12\"x",
                    "{\"a\": NaN}",
                    "[1 2]"
                }) {
            assertThrows(JsonReader.SyntaxException.class, () -> JsonReader.parse(bad), bad);
        }
    }

    @Test
    void aCutOffDocumentIsToldApartFromAMalformedOne() {
        for (String cut :
                new String[] {
                    "{\"schema\": \"imds-guard-report\", \"callSites\": [",
                    "{\"a\": \"unterminated",
                    "{\"a\": tr",
                    "[1, ",
                    "{",
                    ""
                }) {
            JsonReader.SyntaxException e =
                    assertThrows(JsonReader.SyntaxException.class, () -> JsonReader.parse(cut));
            assertTrue(e.truncated(), cut + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        JsonReader.SyntaxException malformed =
                assertThrows(
                        JsonReader.SyntaxException.class,
                        () -> JsonReader.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));
        assertFalse(malformed.truncated());
        assertEquals("expected ':' at line 3, column 7", malformed.getMessage());
    }

    @Test
    void hostileNestingIsRefusedWithoutOverflowingTheStack() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            deep.append('[');
        }
        JsonReader.SyntaxException e =
                assertThrows(
                        JsonReader.SyntaxException.class, () -> JsonReader.parse(deep.toString()));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        StringBuilder allowed = new StringBuilder();
        for (int i = 0; i < JsonReader.MAX_DEPTH; i++) {
            allowed.append('[');
        }
        for (int i = 0; i < JsonReader.MAX_DEPTH; i++) {
            allowed.append(']');
        }
        assertDoesNotThrowParse(allowed.toString());
    }

    private static void assertDoesNotThrowParse(String json) {
        try {
            JsonReader.parse(json);
        } catch (JsonReader.SyntaxException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    @Test
    void controlCharactersInAMessageAreShownEscaped() {
        JsonReader.SyntaxException e =
                assertThrows(
                        JsonReader.SyntaxException.class,
                        () -> JsonReader.parse("{\"a\": \u001b[31m}"));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
        assertTrue(e.getMessage().contains("\\u001b"), e.getMessage());
    }
}
