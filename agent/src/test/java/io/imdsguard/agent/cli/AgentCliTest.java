package io.imdsguard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentCliTest {

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = AgentCli.run(args, new PrintStream(o, true), new PrintStream(e, true));
        out = new String(o.toByteArray(), StandardCharsets.UTF_8);
        err = new String(e.toByteArray(), StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void noCommandPrintsTheUsageOnStandardErrorAndExits2() {
        assertEquals(2, run());
        assertTrue(err.startsWith("usage: java -jar imds-guard-agent.jar <command>"), err);
        assertTrue(err.contains("check [--format text|junit]"), err);
        assertEquals("", out);
    }

    @Test
    void anUnknownCommandIsNamedAndExits2() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.startsWith("imds-guard: unknown command 'frobnicate'\nusage:"), err);
    }

    @Test
    void helpPrintsTheUsageOnStandardOutputAndExits0() {
        for (String help : new String[] {"help", "--help", "-h"}) {
            assertEquals(0, run(help));
            assertTrue(out.startsWith("usage: "), out);
            assertEquals("", err);
        }
    }

    @Test
    void aCommandGetsTheArgumentsAfterItsName() {
        assertEquals(2, run("check"));
        assertTrue(
                err.contains("imds-guard check: name at least one report file or directory"), err);
    }
}
