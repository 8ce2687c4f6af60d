package io.imdsguard.it.support;

import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.apps.indirect.IndirectRequestsJdk11App;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * An application JVM for {@link NetworkNamespace} runs only: brings the mock IMDS up on IMDS's real
 * address, {@code 169.254.169.254:80}, then reads one URL through one client, as {@link
 * IndirectRequestsApp} does ({@code jdk}: {@link IndirectRequestsJdk11App}), and prints what the
 * mock received: {@code imds received: v1=N total=N}.
 *
 * <p>It lives beside the test classes, not under {@code apps/}: the mock it embeds is built for
 * Java 17. It refuses to run (exit 3) unless every network interface it sees is loopback, so that a
 * request can never leave the machine; binding IMDS's address fails anyway where the address is not
 * local.
 *
 * <p>Arguments: {@code huc|okhttp|apache4|jdk} and the URL.
 */
public final class ImdsOnItsAddressApp {

    private ImdsOnItsAddressApp() {}

    public static void main(String[] args) throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isLoopback()) {
                System.err.println(
                        "refused: network interface " + nic.getName() + " is not loopback");
                System.exit(3);
            }
        }
        try (MockImds mock =
                MockImds.builder()
                        .host("169.254.169.254")
                        .port(80)
                        .httpTokens(HttpTokens.OPTIONAL)
                        .start()) {
            if (args[0].equals("jdk")) {
                IndirectRequestsJdk11App.main(new String[] {args[1]});
            } else {
                IndirectRequestsApp.main(args);
            }
            ImdsStats stats = mock.stats();
            long v1 =
                    mock.requests().stream()
                            .filter(r -> r.kind() == ReceivedRequest.Kind.V1)
                            .count();
            System.out.println("imds received: v1=" + v1 + " total=" + stats.total());
        }
    }
}
