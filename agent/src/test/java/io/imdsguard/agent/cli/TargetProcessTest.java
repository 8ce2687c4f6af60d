package io.imdsguard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class TargetProcessTest {

    @Test
    void aJvmIsToldFromAProcessThatIsNotOne() throws Exception {
        assumeTrue(new java.io.File("/proc/self/maps").canRead(), "Linux /proc only");
        String self = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
        assertEquals(Boolean.TRUE, TargetProcess.of(self).runsJvm(), "this test runs in a JVM");
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            TargetProcess process = TargetProcess.of(String.valueOf(pid(sleep)));
            assertEquals(Boolean.FALSE, process.runsJvm());
            assertTrue(process.jvmChildren().isEmpty());
        } finally {
            sleep.destroy();
        }
    }

    /** Process.pid() is Java 9+; the agent's tests compile for Java 8 and run there too. */
    private static long pid(Process process) throws Exception {
        try {
            return (Long) Process.class.getMethod("pid").invoke(process);
        } catch (NoSuchMethodException java8) {
            // Java 8's UNIXProcess keeps it in a private field, open to reflection there
            java.lang.reflect.Field pid = process.getClass().getDeclaredField("pid");
            pid.setAccessible(true);
            return pid.getInt(process);
        }
    }
}
