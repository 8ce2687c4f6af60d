package io.imdsguard.agent.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeInfoTest {

    @Test
    void theServiceIsTheJarNameWithoutExtension() {
        assertEquals("billing-service",
                RuntimeInfo.serviceFromCommand("/opt/app/billing-service.jar --spring.profiles.active=prod"));
        assertEquals("billing", RuntimeInfo.serviceFromCommand("billing.jar"));
        assertEquals("orders-1.4.2", RuntimeInfo.serviceFromCommand("lib/orders-1.4.2.jar"));
        assertEquals("app", RuntimeInfo.serviceFromCommand("  ./app.jar\targ"));
    }

    @Test
    void theServiceIsTheMainClassSimpleNameOtherwise() {
        assertEquals("BillingMain", RuntimeInfo.serviceFromCommand("com.acme.billing.BillingMain arg1 arg2"));
        assertEquals("Main", RuntimeInfo.serviceFromCommand("Main"));
        // java -m module/class
        assertEquals("Main", RuntimeInfo.serviceFromCommand("com.acme.billing/com.acme.billing.Main --x"));
    }

    @Test
    void anUnknownCommandGivesUnknown() {
        assertEquals("unknown", RuntimeInfo.serviceFromCommand(null));
        assertEquals("unknown", RuntimeInfo.serviceFromCommand(""));
        assertEquals("unknown", RuntimeInfo.serviceFromCommand("   "));
    }

    @Test
    void aConfiguredServiceNameWinsOverTheCommand() {
        RuntimeInfo info = RuntimeInfo.current("checkout");
        assertEquals("checkout", info.service());
        assertTrue(info.pid() > 0, "pid " + info.pid());
        assertNotNull(info.host());
        assertNotNull(info.jvm());
        assertNotNull(info.agentVersion());
        assertTrue(Math.abs(System.currentTimeMillis() - info.startedAt()) < 60_000);
    }
}
