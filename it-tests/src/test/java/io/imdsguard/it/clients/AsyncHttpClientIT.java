package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.asynchttpclient.AsyncHttpClientApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.TokenRestart;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AsyncHttpClient: detected, rewritten and enforced on the thread that made the request, so the
 * call site is the application's code even though the answer comes from an event loop; the
 * application's own request object is never changed.
 */
@AgentClient("async-http-client")
class AsyncHttpClientIT extends ClientContract {

    private static final String CLIENT = "async-http-client";

    @Override
    protected List<Variant> variants() {
        return List.of(
                NettyScript.appOwnRequestUnchanged(
                        Variant.of("AsyncHttpClient 3", CLIENT, AsyncHttpClientApp.class)
                                .runsFrom(11, "AsyncHttpClient 3")),
                // the 2.x line many services still run, its jars from target/client-libs
                NettyScript.appOwnRequestUnchanged(
                        Variant.of("AsyncHttpClient 2.12", CLIENT, AsyncHttpClientApp.class)
                                .libraries("async-http-client-2.12")
                                .eachModeOnce()));
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = TokenRestart.requiredTokenImds()) {
            TokenRestart.start(mock, AppJvm.mainClass(AsyncHttpClientApp.class))
                    .rejectedTokenIsDroppedAt("v1", TokenRestart.INSTANCE_ID, 1)
                    .quit();
        }
    }
}
