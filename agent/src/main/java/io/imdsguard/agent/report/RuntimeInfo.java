package io.imdsguard.agent.report;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * Where the agent runs: service, process, host, JVM. Everything here is cheap and lookup-free
 * (no DNS, no JMX), because it is read at start-up.
 */
public final class RuntimeInfo {

    private final String service;
    private final long pid;
    private final String host;
    private final String jvm;
    private final String agentVersion;
    private final long startedAt;

    RuntimeInfo(String service, long pid, String host, String jvm, String agentVersion, long startedAt) {
        this.service = service;
        this.pid = pid;
        this.host = host;
        this.jvm = jvm;
        this.agentVersion = agentVersion;
        this.startedAt = startedAt;
    }

    public static RuntimeInfo current(String configuredService) {
        return new RuntimeInfo(
                configuredService != null ? configuredService : serviceFromCommand(System.getProperty("sun.java.command")),
                currentPid(), currentHost(),
                System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.runtime.version",
                        System.getProperty("java.version", "?")),
                readAgentVersion(), System.currentTimeMillis());
    }

    /** The jar's name without {@code .jar}, or the main class's simple name. */
    static String serviceFromCommand(String command) {
        if (command == null || command.trim().isEmpty()) {
            return "unknown";
        }
        String first = command.trim().split("\\s+")[0];
        if (first.endsWith(".jar")) {
            String name = new File(first).getName();
            return name.substring(0, name.length() - ".jar".length());
        }
        int dot = first.lastIndexOf('.');
        return dot >= 0 ? first.substring(dot + 1) : first;
    }

    private static long currentPid() {
        try {
            // Linux: /proc/self links to the pid, at no cost; elsewhere fall back to the JMX name.
            File self = new File("/proc/self");
            if (self.exists()) {
                return Long.parseLong(self.getCanonicalFile().getName());
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        try {
            return Long.parseLong(name.substring(0, name.indexOf('@')));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String currentHost() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), Charset.forName("UTF-8"))
                    .trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String readAgentVersion() {
        InputStream in = RuntimeInfo.class.getResourceAsStream("/META-INF/imds-guard-version.properties");
        if (in == null) {
            return "dev";
        }
        try {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    public String service() {
        return service;
    }

    public long pid() {
        return pid;
    }

    public String host() {
        return host;
    }

    public String jvm() {
        return jvm;
    }

    public String agentVersion() {
        return agentVersion;
    }

    public long startedAt() {
        return startedAt;
    }
}
