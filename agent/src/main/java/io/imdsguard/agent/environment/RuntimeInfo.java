package io.imdsguard.agent.environment;

import io.imdsguard.agent.log.Sanitizer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Properties;

/**
 * Where the agent runs: service, process, host, container, Kubernetes pod, JVM. Everything here is
 * cheap and lookup-free (no DNS, no JMX, no API server), because it is read at start-up.
 */
public final class RuntimeInfo {

    private final String service;
    private final long pid;
    private final String host;
    private final String jvm;
    private final String agentVersion;
    private final long startedAt;
    private final String container;
    private final String pod;
    private final String namespace;

    /** The Kubernetes downward API's usual names, and the file every pod's service account gets. */
    static final String NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /** Kubernetes object names are at most 253 characters; anything longer is not one. */
    private static final int MAX_NAME = 253;

    public RuntimeInfo(
            String service,
            long pid,
            String host,
            String jvm,
            String agentVersion,
            long startedAt) {
        this(service, pid, host, jvm, agentVersion, startedAt, null, null, null);
    }

    public RuntimeInfo(
            String service,
            long pid,
            String host,
            String jvm,
            String agentVersion,
            long startedAt,
            String container,
            String pod,
            String namespace) {
        this.service = service;
        this.pid = pid;
        this.host = host;
        this.jvm = jvm;
        this.agentVersion = agentVersion;
        this.startedAt = startedAt;
        this.container = container;
        this.pod = pod;
        this.namespace = namespace;
    }

    /** Reads a small text file, or answers null when it is absent or unreadable. */
    interface TextFiles {
        String read(String path);
    }

    public static RuntimeInfo current(String configuredService) {
        Map<String, String> env = System.getenv();
        TextFiles files =
                new TextFiles() {
                    @Override
                    public String read(String path) {
                        return readSmallFile(path);
                    }
                };
        return new RuntimeInfo(
                service(configuredService, env, System.getProperty("sun.java.command")),
                currentPid(),
                currentHost(),
                System.getProperty("java.vm.vendor", "?")
                        + " "
                        + System.getProperty(
                                "java.runtime.version", System.getProperty("java.version", "?")),
                readAgentVersion(),
                System.currentTimeMillis(),
                container(files),
                pod(env),
                namespace(env, files));
    }

    /**
     * Key {@code service.name}, else env {@code OTEL_SERVICE_NAME} (as OpenTelemetry names it),
     * else the command.
     */
    static String service(String configured, Map<String, String> env, String command) {
        if (configured != null) {
            return configured;
        }
        String otel = nonEmpty(env.get("OTEL_SERVICE_NAME"));
        return otel != null ? otel : serviceFromCommand(command);
    }

    static String container(TextFiles files) {
        String id = ContainerId.fromCgroup(files.read("/proc/self/cgroup"));
        return id != null ? id : ContainerId.fromMountInfo(files.read("/proc/self/mountinfo"));
    }

    /**
     * {@code POD_NAME}, else {@code HOSTNAME} when in Kubernetes (a pod's host name is its name).
     */
    static String pod(Map<String, String> env) {
        String pod = nonEmpty(env.get("POD_NAME"));
        if (pod == null && nonEmpty(env.get("KUBERNETES_SERVICE_HOST")) != null) {
            pod = nonEmpty(env.get("HOSTNAME"));
        }
        return capped(pod);
    }

    /** {@code POD_NAMESPACE}, else the service account's namespace file. */
    static String namespace(Map<String, String> env, TextFiles files) {
        String namespace = nonEmpty(env.get("POD_NAMESPACE"));
        if (namespace == null) {
            namespace = nonEmpty(files.read(NAMESPACE_FILE));
        }
        return capped(namespace);
    }

    private static String nonEmpty(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static String capped(String name) {
        return name == null ? null : Sanitizer.forLog(name, MAX_NAME);
    }

    /**
     * At most 64 kB: /proc files report size 0, so they are read to the end, never trusted by size.
     */
    static String readSmallFile(String path) {
        InputStream in = null;
        try {
            in = new java.io.FileInputStream(path);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0 && out.size() < 65536) {
                out.write(buffer, 0, read);
            }
            return new String(out.toByteArray(), Charset.forName("UTF-8"));
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /** The jar's name without {@code .jar}, or the main class's simple name. */
    static String serviceFromCommand(String command) {
        if (command == null || command.trim().isEmpty()) {
            return "unknown";
        }
        String trimmed = command.trim();
        int space = 0;
        while (space < trimmed.length() && !Character.isWhitespace(trimmed.charAt(space))) {
            space++;
        }
        String first = trimmed.substring(0, space);
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
        // Not java.nio.file: its channel classes are not in the JDK's class-data archive.
        String fromKernel = readSmallFile("/proc/sys/kernel/hostname");
        return fromKernel != null && !fromKernel.trim().isEmpty() ? fromKernel.trim() : "unknown";
    }

    public static String readAgentVersion() {
        // The class loader read the jar's manifest already; opening a resource would load the JDK's
        // jar-URL machinery during premain, a few milliseconds of every application's start-up.
        Package agentPackage = RuntimeInfo.class.getPackage();
        String fromManifest = agentPackage == null ? null : agentPackage.getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        InputStream in =
                RuntimeInfo.class.getResourceAsStream("/META-INF/imds-guard-version.properties");
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

    /** The container id (64 hex digits), or null outside a container. */
    public String container() {
        return container;
    }

    /** The Kubernetes pod's name, or null outside Kubernetes. */
    public String pod() {
        return pod;
    }

    /** The Kubernetes namespace, or null outside Kubernetes. */
    public String namespace() {
        return namespace;
    }

    /**
     * Where this JVM runs, for log lines: {@code service=x pid=1 host=h container=abc123def456
     * pod=ns/name}, absent parts left out. The container id is shortened as {@code docker ps} shows
     * it.
     */
    public String where() {
        StringBuilder text = new StringBuilder();
        text.append("service=")
                .append(service)
                .append(" pid=")
                .append(pid)
                .append(" host=")
                .append(host);
        if (container != null) {
            text.append(" container=").append(ContainerId.shortForm(container));
        }
        if (pod != null) {
            text.append(" pod=").append(namespace != null ? namespace + "/" : "").append(pod);
        } else if (namespace != null) {
            text.append(" namespace=").append(namespace);
        }
        return text.toString();
    }
}
