package io.imdsguard.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own, made with {@code unshare -rn}: it holds nothing but a
 * loopback interface, so IMDS's real addresses can be put on that loopback and nothing sent to them
 * can ever leave the machine.
 */
public final class NetworkNamespace {

    private NetworkNamespace() {}

    /** Null when a namespace with only loopback can be made here; otherwise why not. */
    public static String unavailableReason() {
        try {
            Process probe =
                    new ProcessBuilder("unshare", "-rn", "ip", "-o", "link", "show")
                            .redirectErrorStream(true)
                            .start();
            if (!probe.waitFor(20, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return "unshare -rn did not answer";
            }
            String out =
                    new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                            .trim();
            if (probe.exitValue() != 0) {
                return "unshare -rn failed: " + out;
            }
            if (out.lines().count() != 1 || !out.contains(": lo:")) {
                return "the new namespace holds more than loopback: " + out;
            }
            return null;
        } catch (IOException e) {
            return "unshare or ip is missing: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A wrapper for {@link AppJvm#wrappedIn}: a fresh namespace whose loopback carries IMDS's IPv4
     * and IPv6 addresses. It refuses to run the command (exit 97) if the namespace has any
     * interface but loopback.
     */
    public static List<String> withImdsAddressesOnLoopback() {
        String script =
                String.join(
                        "\n",
                        "set -e",
                        "ip link set lo up",
                        "ip addr add 169.254.169.254/32 dev lo",
                        "ip -6 addr add fd00:ec2::254/128 dev lo nodad",
                        "if [ \"$(ip -o link show | wc -l)\" != 1 ]; then echo 'netns guard: not loopback only' >&2; exit 97; fi",
                        "exec");
        return List.of("unshare", "-rn", "sh", "-c", script);
    }
}
