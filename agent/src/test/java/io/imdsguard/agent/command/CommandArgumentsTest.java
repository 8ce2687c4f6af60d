package io.imdsguard.agent.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CommandArgumentsTest {

    @Test
    void optionsTakeTheirValueSpacedOrAfterAnEqualsSignAndTheRestAreOperands() {
        CommandArguments parsed =
                CommandArguments.parse(
                        Arrays.asList("a.jar", "--json", "out.json", "--service=orders", "b.war"),
                        "--json",
                        "--service");

        assertEquals("out.json", parsed.option("--json", null));
        assertEquals("orders", parsed.option("--service", null));
        assertEquals(Arrays.asList("a.jar", "b.war"), parsed.operands());
        assertEquals("text", parsed.option("--format", "text"), "an option not given falls back");
    }

    @Test
    void aDoubleDashEndsTheOptionsSoAFileMayStartWithADash() {
        CommandArguments parsed =
                CommandArguments.parse(Arrays.asList("--", "-odd.jar", "--json"), "--json");
        assertEquals(Arrays.asList("-odd.jar", "--json"), parsed.operands());
        assertNull(parsed.option("--json", null));
    }

    @Test
    void anUnknownOptionOrOneWithoutAValueIsRefusedByName() {
        IllegalArgumentException unknown =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CommandArguments.parse(Arrays.asList("--jsn", "x"), "--json"));
        assertEquals("unknown option '--jsn'", unknown.getMessage());
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CommandArguments.parse(Arrays.asList("a.jar", "--json"), "--json"));
        assertEquals("--json needs a value", missing.getMessage());
        IllegalArgumentException blank =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CommandArguments.parse(Arrays.asList("--json= "), "--json"));
        assertEquals("--json needs a value", blank.getMessage());
    }

    @Test
    void helpStopsParsing() {
        assertTrue(
                CommandArguments.parse(Arrays.asList("--help", "--bogus"), "--json").helpAsked());
        assertTrue(CommandArguments.parse(Arrays.asList("-h"), "--json").helpAsked());
    }
}
