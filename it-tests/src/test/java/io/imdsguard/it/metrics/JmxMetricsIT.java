package io.imdsguard.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.metrics.JmxMetricsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code jmx.metrics=true}, the meters are MBeans on the application's platform MBean server.
 */
class JmxMetricsIT {

    @Test
    void theCountersAreMBeansInTheImdsGuardDomain() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult result =
                    AppJvm.mainClass(JmxMetricsApp.class)
                            .withAgent("jmx.metrics=true,service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, result.exitCode(), result.describe());
            assertFalse(
                    result.stderr().contains("SLF4J"),
                    "the bundled logging API stays silent: " + result.stderr());
            assertEquals(
                    "",
                    result.applicationStderr(),
                    "the exporter writes nothing into the application's "
                            + "output (no JVM warning either, e.g. about sun.misc.Unsafe on JDK 24+)");
            List<String> mbeans =
                    result.stdoutLines().stream().filter(l -> l.startsWith("mbean ")).toList();
            assertTrue(
                    mbeans.stream()
                            .anyMatch(
                                    l ->
                                            l.contains("name=imdsV1CallsiteRequests.")
                                                    && l.contains(
                                                            ".site.io.imdsguard.it.apps.metrics.JmxMetricsApp.instanceId")
                                                    && l.contains(".service.billing")
                                                    && l.endsWith(" = 2")),
                    String.join("\n", mbeans));
            assertTrue(
                    mbeans.stream()
                            .anyMatch(
                                    l ->
                                            l.contains("name=imdsRequests.")
                                                    && l.contains(".version.v1")
                                                    && l.endsWith(" = 2")),
                    String.join("\n", mbeans));
        }
    }
}
