package io.imdsguard.agent.environment;

/**
 * Finds the id of the container the JVM runs in, from what the kernel shows the process about its
 * own cgroups. Docker, containerd (CRI), CRI-O and Podman all name a container by 64 hex digits,
 * and put that id into the cgroup path (cgroup v1, or v2 without a private cgroup namespace) or
 * into the source path of the mounted {@code /etc/hostname} (cgroup v2 with a private namespace,
 * where {@code /proc/self/cgroup} only says {@code 0::/}). Only a 64-hex-digit name counts, so a
 * pod uid, an ECS task id or a systemd unit name is never taken for a container id.
 */
public final class ContainerId {

    private static final int ID_LENGTH = 64;

    private ContainerId() {}

    /**
     * The container id in the text of {@code /proc/self/cgroup}, or null. Lines look like {@code
     * 12:memory:/docker/<id>}, {@code 0::/system.slice/docker-<id>.scope}, {@code
     * 0::/kubepods.slice/.../cri-containerd-<id>.scope}, {@code .../crio-<id>.scope}, {@code
     * 11:cpu:/kubepods/burstable/pod<uid>/<id>} or {@code ...:cri-containerd:<id>}.
     */
    public static String fromCgroup(String cgroupFile) {
        if (cgroupFile == null) {
            return null;
        }
        for (String line : cgroupFile.split("\n")) {
            // hierarchy-id:controllers:path; the path may itself contain ':' (systemd cgroup
            // driver)
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                continue;
            }
            String path = line.substring(second + 1).trim();
            String[] segments = path.split("/");
            for (int i = segments.length - 1; i >= 0; i--) {
                String id = idInSegment(segments[i]);
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }

    /**
     * The container id in the text of {@code /proc/self/mountinfo}, or null: the runtimes mount a
     * per-container {@code hostname} file from {@code .../containers/<id>/hostname} (Docker) or
     * {@code .../overlay-containers/<id>/userdata/hostname} (CRI-O, Podman).
     */
    public static String fromMountInfo(String mountInfo) {
        if (mountInfo == null) {
            return null;
        }
        for (String line : mountInfo.split("\n")) {
            if (!line.contains("/hostname")) {
                continue;
            }
            for (String field : line.split(" ")) {
                String[] segments = field.split("/");
                for (int i = 1; i < segments.length; i++) {
                    String parent = segments[i - 1];
                    if ((parent.equals("containers") || parent.equals("overlay-containers"))
                            && isId(segments[i])) {
                        return segments[i];
                    }
                }
            }
        }
        return null;
    }

    /**
     * {@code <id>}, {@code docker-<id>.scope}, {@code cri-containerd-<id>.scope}, {@code
     * x:cri-containerd:<id>}.
     */
    private static String idInSegment(String segment) {
        String name = segment;
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(colon + 1);
        }
        if (name.endsWith(".scope")) {
            name = name.substring(0, name.length() - ".scope".length());
        }
        if (name.startsWith("crio-conmon-")) {
            return null; // CRI-O's monitor process, not the container
        }
        int dash = name.lastIndexOf('-');
        if (dash >= 0) {
            name = name.substring(dash + 1);
        }
        return isId(name) ? name : null;
    }

    static boolean isId(String text) {
        if (text.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The first 12 digits, as {@code docker ps} shows an id. */
    public static String shortForm(String id) {
        return id == null || id.length() <= 12 ? id : id.substring(0, 12);
    }
}
