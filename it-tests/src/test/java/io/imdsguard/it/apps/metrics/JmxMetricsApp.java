package io.imdsguard.it.apps.metrics;

import io.imdsguard.it.apps.AppStreams;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Calls IMDS v1 twice, then lists what its platform MBean server holds in the domain {@code
 * imds-guard}, with each MBean's {@code Count} (or {@code Value}), as JConsole would show it. It
 * waits up to 15 s for the agent's counter to appear there.
 */
public final class JmxMetricsApp {

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        instanceId(endpoint);
        instanceId(endpoint);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName("imds-guard:*");
        Set<ObjectName> names = java.util.Collections.emptySet();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            names = server.queryNames(pattern, null);
            if (names.stream().anyMatch(n -> n.toString().contains("imdsV1CallsiteRequests"))) {
                break;
            }
            Thread.sleep(50);
        }
        Set<String> lines = new TreeSet<>();
        for (ObjectName name : names) {
            Object value;
            try {
                value = server.getAttribute(name, "Count");
            } catch (Exception noCount) {
                value = server.getAttribute(name, "Value");
            }
            lines.add("mbean " + name + " = " + value);
        }
        lines.forEach(System.out::println);
        System.out.println("done");
    }

    static void instanceId(String endpoint) throws Exception {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        try (InputStream in = c.getInputStream()) {
            AppStreams.readAll(in);
        }
    }
}
