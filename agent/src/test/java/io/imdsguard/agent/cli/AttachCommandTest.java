package io.imdsguard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AttachCommandTest {

    /** Named as the attach API's own exception: the command tells them apart by simple name. */
    static final class AgentLoadException extends Exception {
        AgentLoadException(String message) {
            super(message);
        }
    }

    static final class AgentInitializationException extends Exception {
        AgentInitializationException(String message) {
            super(message);
        }
    }

    @Test
    void aJava8TargetsBareZeroIsASuccessfulLoadAndNothingElseIs() {
        assertTrue(
                AttachCommand.java8Success(new AgentLoadException("0")),
                "Java 8's reply to a successful load");
        assertTrue(
                AttachCommand.java8Success(
                        new AgentLoadException("Failed to load agent library: 0")),
                "the same reply through JDK 25's attach API");
        assertFalse(
                AttachCommand.java8Success(
                        new AgentLoadException("Failed to load agent library: 100")));
        assertFalse(
                AttachCommand.java8Success(
                        new AgentLoadException("Agent JAR not found or no Agent-Class attribute")));
        assertFalse(AttachCommand.java8Success(new AgentLoadException(null)));
        assertFalse(AttachCommand.java8Success(new AgentInitializationException("0")));
    }
}
