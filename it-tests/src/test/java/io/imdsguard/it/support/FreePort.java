package io.imdsguard.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port that was free a moment ago, for a JVM under test to bind later.
 *
 * <p>The port is drawn below the kernel's ephemeral range (32768 and up on Linux), never from it:
 * the mock servers and every outgoing connection take ephemeral ports, and one of them once took a
 * port handed out here in the gap before the agent bound it, so a test scraped the mock IMDS
 * instead of the agent. Ports handed out by this JVM are not handed out again.
 */
public final class FreePort {

    private static final int LOWEST = 20_000;
    private static final int ABOVE_HIGHEST = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePort() {}

    public static synchronized int find() throws IOException {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ABOVE_HIGHEST);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket =
                    new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                HANDED_OUT.add(port);
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port between " + LOWEST + " and " + ABOVE_HIGHEST);
    }
}
