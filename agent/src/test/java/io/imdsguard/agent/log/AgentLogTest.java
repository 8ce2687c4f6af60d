package io.imdsguard.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class AgentLogTest {

    /**
     * The agent's log is made on its start thread while the application's main runs, and Vert.x,
     * for one, swaps System.err for a stream that drops everything while it probes for SLF4J. The
     * log writes to standard error as it was when the agent was loaded.
     */
    @Test
    void theLogWritesToStandardErrorAsItWasWhenTheAgentWasLoaded() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        ByteArrayOutputStream swapped = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(kept, true));
            AgentLog.keepStandardError();
            System.setErr(new PrintStream(swapped, true));

            AgentLog.toStandardError(false).info("started");

            assertEquals("[imds-guard] started" + System.lineSeparator(), kept.toString("UTF-8"));
            assertEquals("", swapped.toString("UTF-8"));
        } finally {
            System.setErr(original);
            AgentLog.keepStandardError();
        }
    }
}
