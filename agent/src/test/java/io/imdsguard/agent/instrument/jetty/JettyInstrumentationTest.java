package io.imdsguard.agent.instrument.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class JettyInstrumentationTest {

    /**
     * The Jetty 12 advice is compiled apart (agent-jetty12) and spells the name itself: reports
     * must not split.
     */
    @Test
    void everyJettyGenerationReportsUnderOneClientName() {
        assertEquals(JettyInstrumentation.CLIENT, Jetty12Advice.CLIENT);
        assertEquals(
                io.imdsguard.agent.detect.ImdsRequest.TOKEN_HEADER, Jetty12Advice.TOKEN_HEADER);
    }

    /** The agent loads on Java 8, and so must every advice class it names, Jetty 12's too. */
    @Test
    void theJetty12AdviceIsJava8Bytecode() throws IOException {
        for (Class<?> advice :
                new Class<?>[] {
                    Jetty12Advice.Send.class,
                    Jetty12Advice.Status.class,
                    Jetty12RedirectAdvice.class
                }) {
            assertTrue(
                    classFileMajorVersion(advice) <= 52,
                    advice.getName() + " is not Java 8 bytecode");
        }
    }

    private static int classFileMajorVersion(Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            DataInputStream data = new DataInputStream(in);
            data.readInt();
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
