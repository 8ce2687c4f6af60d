package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.Variant;

/**
 * The calls of the Netty-based client apps ({@code io.imdsguard.it.apps.clients.ClientScript}):
 * {@code v1} twice, a relayed {@code v1-xff}, one more v1 call of the app's own kind, and a native
 * {@code v2} read.
 */
final class NettyScript {

    static final String AMI = "ami-0abcdef1234567890";

    private NettyScript() {}

    /**
     * AsyncHttpClient and Vert.x: the third v1 call reuses a request object the application keeps,
     * which must never be given the token (the app prints whether it was).
     */
    static Variant appOwnRequestUnchanged(Variant variant) {
        return variant.arguments("v1", "v1", "v1-xff", "v1-request", "v2")
                .calls(
                        Call.v1("v1", "v1Read", 2),
                        Call.relayedV1("v1-xff", "v1Relayed", 1),
                        Call.v1("v1-request", "v1Reused", 1),
                        Call.v2("v2", "v2Read", 1).answering(AMI))
                .alsoCheck(
                        run -> {
                            assertFalse(
                                    run.jvm().stdout().contains("FAILED"), run.jvm().describe());
                            assertEquals(
                                    1,
                                    run.results("v1-request").stream()
                                            .filter(r -> r.endsWith(" token-on-app-request=false"))
                                            .count(),
                                    "the application's own request object is never changed: "
                                            + run.jvm().stdout());
                        });
    }
}
