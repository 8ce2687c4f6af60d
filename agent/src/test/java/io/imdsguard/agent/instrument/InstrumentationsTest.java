package io.imdsguard.agent.instrument;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InstrumentationsTest {

    /** A class missing from the watched list would never be woven; an extra one would set Byte Buddy up for nothing. */
    @Test
    void theClassesWatchedBeforeByteBuddyIsSetUpAreExactlyTheClientsClasses() {
        Set<String> woven = new HashSet<String>();
        for (ClientInstrumentation client : Instrumentations.all()) {
            woven.addAll(client.typeNames());
        }
        assertEquals(woven, new HashSet<String>(ClientTypes.ALL));
        assertEquals(ClientTypes.ALL.size(), woven.size(), "no class is listed twice");
    }
}
