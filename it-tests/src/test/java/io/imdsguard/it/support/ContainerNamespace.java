package io.imdsguard.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a JVM look, to itself, as if it ran in a container with a given id, the way container
 * runtimes show it: a mount namespace of the test's own ({@code unshare -rm}) where the process's
 * {@code /proc/<pid>/cgroup} and {@code /etc/hostname} are replaced by bind mounts (and its mount
 * table keeps no other hostname mount). Nothing outside that namespace changes, and nothing needs
 * root.
 */
public final class ContainerNamespace {

    private ContainerNamespace() {}

    /** How the runtime shows the id. */
    public enum Shows {
        /** cgroup v1 (or v2 without a private cgroup namespace): the id is in the cgroup path. */
        CGROUP_PATH,
        /**
         * cgroup v2 with a private cgroup namespace: {@code /proc/self/cgroup} says only {@code
         * 0::/}, and the id is in the source path of the {@code /etc/hostname} the runtime mounted.
         */
        HOSTNAME_MOUNT
    }

    /** Null when such a namespace can be made here; otherwise why not. */
    public static String unavailableReason() {
        try {
            Process probe =
                    new ProcessBuilder(
                                    "unshare",
                                    "-rm",
                                    "sh",
                                    "-c",
                                    "mount --bind /etc/hostname /etc/hostname && mount --bind /proc/$$/cgroup /proc/$$/cgroup"
                                            + " && echo ok")
                            .redirectErrorStream(true)
                            .start();
            if (!probe.waitFor(20, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return "unshare -rm did not answer";
            }
            String out =
                    new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                            .trim();
            return probe.exitValue() == 0 && out.equals("ok")
                    ? null
                    : "unshare -rm with bind mounts failed: " + out;
        } catch (IOException e) {
            return "unshare is missing: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A wrapper for {@link AppJvm#wrappedIn}: the JVM runs (as the same process the bind mounts
     * were made for, through {@code exec}) in a container {@code id} shown as {@code shows} says.
     *
     * @param dir where the files that the runtime would have written are made
     */
    public static List<String> withContainerId(Path dir, String id, Shows shows)
            throws IOException {
        Path cgroup = dir.resolve("cgroup");
        Path hostname =
                Files.createDirectories(dir.resolve("containers").resolve(id)).resolve("hostname");
        Files.writeString(hostname, "ctr-host\n");
        if (shows == Shows.CGROUP_PATH) {
            Files.writeString(
                    cgroup,
                    "12:memory:/docker/" + id + "\n0::/system.slice/docker-" + id + ".scope\n");
        } else {
            Files.writeString(cgroup, "0::/\n");
        }
        Path mountInfo = dir.resolve("mountinfo");
        // When the test itself runs in a container, the mount table already holds that container's
        // hostname mount, which would come first: the JVM's copy keeps only the one made here.
        String script =
                String.join(
                        "\n",
                        "set -e",
                        "mount --bind '" + cgroup + "' /proc/$$/cgroup",
                        shows == Shows.HOSTNAME_MOUNT
                                ? "mount --bind '" + hostname + "' /etc/hostname"
                                : ":",
                        "grep -v '/hostname ' /proc/$$/mountinfo > '" + mountInfo + "' || true",
                        "grep -F '/containers/"
                                + id
                                + "/hostname ' /proc/$$/mountinfo >> '"
                                + mountInfo
                                + "' || true",
                        "mount --bind '" + mountInfo + "' /proc/$$/mountinfo",
                        "exec");
        return List.of("unshare", "-rm", "sh", "-c", script);
    }
}
