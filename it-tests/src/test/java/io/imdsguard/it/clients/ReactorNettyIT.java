package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.imdsguard.it.apps.clients.reactornetty.ReactorNettyApp;
import io.imdsguard.it.apps.clients.reactornetty.SpringWebClientApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.TokenRestart;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reactor Netty's HttpClient, and Spring's WebClient on it: detected, rewritten and enforced where
 * the headers are final, on the event loop, yet attributed to the application's code and thread,
 * where the request was made. Headers set in a send callback (v1-send; WebClient's connector sets
 * all of them there, so its v2 stays v2) are seen.
 */
@AgentClient("reactor-netty")
class ReactorNettyIT extends ClientContract {

    private static final String CLIENT = "reactor-netty";

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("Reactor Netty", CLIENT, ReactorNettyApp.class)
                        .arguments("v1", "v1", "v1-xff", "v1-send", "v2")
                        .calls(
                                Call.v1("v1", "v1Read", 2),
                                Call.relayedV1("v1-xff", "v1Relayed", 1),
                                Call.v1("v1-send", "v1WithSendCallback", 1),
                                Call.v2("v2", "v2Read", 1).answering(NettyScript.AMI))
                        .alsoCheck(
                                run ->
                                        assertFalse(
                                                run.jvm().stdout().contains("FAILED"),
                                                run.jvm().describe())),
                Variant.of("Spring WebClient", CLIENT, SpringWebClientApp.class)
                        .arguments("v1", "v2")
                        // the site is where the application subscribed (block), main's first lambda
                        .calls(
                                Call.v1("v1", "lambda$main$0", 1),
                                Call.v2("v2", "v2Read", 1).answering(NettyScript.AMI))
                        .runsFrom(17, "Spring 6 (WebClient)")
                        .eachModeOnce());
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = TokenRestart.requiredTokenImds()) {
            TokenRestart.start(mock, AppJvm.mainClass(ReactorNettyApp.class))
                    .rejectedTokenIsDroppedAt("v1", TokenRestart.INSTANCE_ID, 1)
                    .quit();
        }
    }
}
