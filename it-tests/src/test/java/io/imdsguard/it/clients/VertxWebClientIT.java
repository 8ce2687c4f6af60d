package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.vertx.VertxWebClientApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.TokenRestart;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vert.x WebClient: detected, rewritten and enforced where the request options are final, on the
 * thread that called send(), so the call site is the application's code; the application's own
 * request object is never changed.
 */
@AgentClient("vertx-web-client")
class VertxWebClientIT extends ClientContract {

    @Override
    protected List<Variant> variants() {
        return List.of(
                NettyScript.appOwnRequestUnchanged(
                        Variant.of(
                                "Vert.x WebClient", "vertx-web-client", VertxWebClientApp.class)));
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = TokenRestart.requiredTokenImds()) {
            TokenRestart.start(mock, AppJvm.mainClass(VertxWebClientApp.class))
                    .rejectedTokenIsDroppedAt("v1", TokenRestart.INSTANCE_ID, 1)
                    .quit();
        }
    }
}
