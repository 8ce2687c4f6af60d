package io.imdsguard.agent.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeInfoTest {

    @Test
    void theServiceIsTheJarNameWithoutExtension() {
        assertEquals(
                "billing-service",
                RuntimeInfo.serviceFromCommand(
                        "/opt/app/billing-service.jar --spring.profiles.active=prod"));
        assertEquals("billing", RuntimeInfo.serviceFromCommand("billing.jar"));
        assertEquals("orders-1.4.2", RuntimeInfo.serviceFromCommand("lib/orders-1.4.2.jar"));
        assertEquals("app", RuntimeInfo.serviceFromCommand("  ./app.jar\targ"));
    }

    @Test
    void theServiceIsTheMainClassSimpleNameOtherwise() {
        assertEquals(
                "BillingMain",
                RuntimeInfo.serviceFromCommand("com.acme.billing.BillingMain arg1 arg2"));
        assertEquals("Main", RuntimeInfo.serviceFromCommand("Main"));
        // java -m module/class
        assertEquals(
                "Main",
                RuntimeInfo.serviceFromCommand("com.acme.billing/com.acme.billing.Main --x"));
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
        assertEquals(
                System.getProperty("imds.guard.project.version"),
                info.agentVersion(),
                "the built version (from the filtered resource), not the fallback 'dev'");
        assertNotNull(
                System.getProperty("imds.guard.project.version"),
                "run by Maven, which sets the version");
        assertTrue(Math.abs(System.currentTimeMillis() - info.startedAt()) < 60_000);
    }

    private static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new HashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    private static RuntimeInfo.TextFiles files(final Map<String, String> contents) {
        return new RuntimeInfo.TextFiles() {
            @Override
            public String read(String path) {
                return contents.get(path);
            }
        };
    }

    @Test
    void otelServiceNameComesAfterTheKeyAndBeforeTheCommand() {
        assertEquals(
                "checkout",
                RuntimeInfo.service("checkout", env("OTEL_SERVICE_NAME", "otel-name"), "app.jar"));
        assertEquals(
                "otel-name",
                RuntimeInfo.service(null, env("OTEL_SERVICE_NAME", " otel-name "), "app.jar"));
        assertEquals("app", RuntimeInfo.service(null, env("OTEL_SERVICE_NAME", "  "), "app.jar"));
        assertEquals("app", RuntimeInfo.service(null, env(), "app.jar"));
    }

    @Test
    void podNameFromTheDownwardApiElseTheHostNameInKubernetes() {
        assertEquals(
                "billing-7d9f-x2x",
                RuntimeInfo.pod(
                        env(
                                "POD_NAME",
                                "billing-7d9f-x2x",
                                "HOSTNAME",
                                "other",
                                "KUBERNETES_SERVICE_HOST",
                                "10.0.0.1")));
        assertEquals(
                "billing-7d9f-x2x",
                RuntimeInfo.pod(
                        env(
                                "HOSTNAME",
                                "billing-7d9f-x2x",
                                "KUBERNETES_SERVICE_HOST",
                                "10.0.0.1")));
        assertNull(
                RuntimeInfo.pod(env("HOSTNAME", "ip-10-0-0-1")),
                "a host name outside Kubernetes is no pod");
        assertNull(RuntimeInfo.pod(env()));
    }

    @Test
    void namespaceFromTheDownwardApiElseTheServiceAccountFile() {
        Map<String, String> none = new HashMap<String, String>();
        Map<String, String> mounted = new HashMap<String, String>();
        mounted.put(RuntimeInfo.NAMESPACE_FILE, "payments\n");
        assertEquals("prod", RuntimeInfo.namespace(env("POD_NAMESPACE", "prod"), files(mounted)));
        assertEquals("payments", RuntimeInfo.namespace(env(), files(mounted)));
        assertNull(RuntimeInfo.namespace(env(), files(none)));
    }

    @Test
    void hostileEnvironmentValuesCannotBreakALogLine() {
        String pod = RuntimeInfo.pod(env("POD_NAME", "x\r\nFAKE-LOG-LINE"));
        assertEquals("x\\r\\nFAKE-LOG-LINE", pod);
    }

    @Test
    void theContainerComesFromTheCgroupFileElseTheMounts() {
        String id = "3f9b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90";
        Map<String, String> v1 = new HashMap<String, String>();
        v1.put("/proc/self/cgroup", "4:memory:/docker/" + id + "\n");
        assertEquals(id, RuntimeInfo.container(files(v1)));
        Map<String, String> v2 = new HashMap<String, String>();
        v2.put("/proc/self/cgroup", "0::/\n");
        v2.put(
                "/proc/self/mountinfo",
                "646 632 259:1 /var/lib/docker/containers/"
                        + id
                        + "/hostname /etc/hostname rw - ext4 /dev/root rw\n");
        assertEquals(id, RuntimeInfo.container(files(v2)));
        assertNull(RuntimeInfo.container(files(new HashMap<String, String>())));
    }

    @Test
    void whereNamesEveryPartThatIsPresent() {
        String id = "3f9b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90";
        assertEquals(
                "service=billing pid=7 host=h1 container=3f9b0a1c2d3e pod=prod/billing-1",
                new RuntimeInfo("billing", 7, "h1", "jvm", "v", 0L, id, "billing-1", "prod")
                        .where());
        assertEquals(
                "service=billing pid=7 host=h1",
                new RuntimeInfo("billing", 7, "h1", "jvm", "v", 0L).where());
        assertEquals(
                "service=billing pid=7 host=h1 pod=billing-1",
                new RuntimeInfo("billing", 7, "h1", "jvm", "v", 0L, null, "billing-1", null)
                        .where());
        assertEquals(
                "service=billing pid=7 host=h1 namespace=prod",
                new RuntimeInfo("billing", 7, "h1", "jvm", "v", 0L, null, null, "prod").where());
    }

    @Test
    void theServiceAccountFileIsReadWhenPresent() throws Exception {
        java.io.File file = java.io.File.createTempFile("namespace", ".txt");
        try {
            java.nio.file.Files.write(file.toPath(), "payments\n".getBytes("UTF-8"));
            assertEquals("payments\n", RuntimeInfo.readSmallFile(file.getPath()));
            assertNull(RuntimeInfo.readSmallFile(file.getPath() + ".absent"));
        } finally {
            file.delete();
        }
    }
}
