package io.imdsguard.agent.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Real /proc/self/cgroup and /proc/self/mountinfo texts, as each runtime writes them. */
class ContainerIdTest {

    private static final String ID =
            "3f9b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90";

    @Test
    void dockerOnCgroupV1() {
        String cgroup =
                "12:pids:/docker/"
                        + ID
                        + "\n"
                        + "11:hugetlb:/docker/"
                        + ID
                        + "\n"
                        + "4:memory:/docker/"
                        + ID
                        + "\n"
                        + "1:name=systemd:/docker/"
                        + ID
                        + "\n";
        assertEquals(ID, ContainerId.fromCgroup(cgroup));
    }

    @Test
    void dockerWithTheSystemdCgroupDriver() {
        assertEquals(ID, ContainerId.fromCgroup("0::/system.slice/docker-" + ID + ".scope\n"));
        assertEquals(
                ID,
                ContainerId.fromCgroup("1:name=systemd:/system.slice/docker-" + ID + ".scope\n"));
    }

    @Test
    void kubernetesOnCgroupV1WithTheCgroupfsDriver() {
        String cgroup =
                "11:cpu,cpuacct:/kubepods/burstable/pod5f3e5b2a-1c1d-4f6b-9a0b-3e7c1d2b4a6f/"
                        + ID
                        + "\n"
                        + "10:memory:/kubepods/burstable/pod5f3e5b2a-1c1d-4f6b-9a0b-3e7c1d2b4a6f/"
                        + ID
                        + "\n";
        assertEquals(ID, ContainerId.fromCgroup(cgroup));
        // the pod's uid, a 36-character UUID, is never mistaken for the container
        assertNull(
                ContainerId.fromCgroup(
                        "10:memory:/kubepods/besteffort/pod5f3e5b2a-1c1d-4f6b-9a0b-3e7c1d2b4a6f\n"));
    }

    @Test
    void containerdCriOnCgroupV2WithTheSystemdDriver() {
        assertEquals(
                ID,
                ContainerId.fromCgroup(
                        "0::/kubepods.slice/kubepods-burstable.slice/"
                                + "kubepods-burstable-pod5f3e5b2a_1c1d_4f6b_9a0b_3e7c1d2b4a6f.slice/cri-containerd-"
                                + ID
                                + ".scope\n"));
    }

    @Test
    void containerdWithColonSeparatedSystemdPath() {
        // containerd's cgroupfs layout when the kubelet uses the systemd driver: slice:prefix:id
        assertEquals(
                ID,
                ContainerId.fromCgroup(
                        "0::/system.slice/containerd.service/"
                                + "kubepods-besteffort-pod5f3e5b2a_1c1d_4f6b_9a0b_3e7c1d2b4a6f.slice:cri-containerd:"
                                + ID
                                + "\n"));
    }

    @Test
    void crioOnKubernetes() {
        assertEquals(
                ID,
                ContainerId.fromCgroup(
                        "0::/kubepods.slice/kubepods-besteffort.slice/"
                                + "kubepods-besteffort-pod5f3e5b2a_1c1d_4f6b_9a0b_3e7c1d2b4a6f.slice/crio-"
                                + ID
                                + ".scope\n"));
        assertNull(
                ContainerId.fromCgroup(
                        "0::/kubepods.slice/kubepods-besteffort.slice/"
                                + "kubepods-besteffort-podx.slice/crio-conmon-"
                                + ID
                                + ".scope\n"),
                "conmon is not the container");
    }

    @Test
    void podmanAndEcs() {
        assertEquals(
                ID,
                ContainerId.fromCgroup(
                        "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
                                + ID
                                + ".scope/container\n"));
        assertEquals(
                ID,
                ContainerId.fromCgroup(
                        "9:perf_event:/ecs/5a0d5ceddf6c44c1928d367a815d890f/" + ID + "\n"));
    }

    @Test
    void noContainerOutsideOne() {
        assertNull(ContainerId.fromCgroup("0::/\n"));
        assertNull(ContainerId.fromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n"));
        assertNull(
                ContainerId.fromCgroup(
                        "12:memory:/process_api/fcfdfb2d22d19641adb93058f6e701f1\n0::/\n"));
        assertNull(
                ContainerId.fromCgroup("0::/system.slice/docker-" + ID.toUpperCase() + ".scope\n"));
        assertNull(ContainerId.fromCgroup("0::/docker/" + ID + "0\n"), "65 digits");
        assertNull(ContainerId.fromCgroup(""));
        assertNull(ContainerId.fromCgroup("garbage without colons"));
        assertNull(ContainerId.fromCgroup(null));
    }

    @Test
    void cgroupV2WithAPrivateNamespaceFallsBackToTheHostnameMount() {
        String docker =
                "632 611 0:52 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X\n"
                        + "645 632 259:1 /var/lib/docker/containers/"
                        + ID
                        + "/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
                        + "646 632 259:1 /var/lib/docker/containers/"
                        + ID
                        + "/hostname /etc/hostname rw,relatime - ext4 /dev/nvme0n1p1 rw\n";
        assertEquals(ID, ContainerId.fromMountInfo(docker));
        String crio =
                "1200 1189 0:24 /containers/storage/overlay-containers/"
                        + ID
                        + "/userdata/hostname /etc/hostname rw,nosuid,nodev - tmpfs tmpfs rw\n";
        assertEquals(ID, ContainerId.fromMountInfo(crio));
        String kubeletOnly =
                "1201 1189 259:1 /var/lib/kubelet/pods/5f3e5b2a-1c1d-4f6b-9a0b-3e7c1d2b4a6f/etc-hosts "
                        + "/etc/hosts rw - ext4 /dev/root rw\n";
        assertNull(ContainerId.fromMountInfo(kubeletOnly));
        assertNull(ContainerId.fromMountInfo(null));
    }

    @Test
    void theShortFormIsTwelveDigits() {
        assertEquals("3f9b0a1c2d3e", ContainerId.shortForm(ID));
        assertNull(ContainerId.shortForm(null));
    }
}
