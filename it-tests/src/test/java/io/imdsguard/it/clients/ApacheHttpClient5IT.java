package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.apachehttpclient5.ApacheHttpClient5App;
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
 * Apache HttpClient 5, classic and async (two instrumentations), each call a method of the app
 * ({@link Call#eachMethod}). Async calls are reported from the application's frame that called
 * {@code execute}, on its thread, not from an I/O thread.
 */
@AgentClient({"apache-httpclient-5", "apache-httpclient-5-async"})
class ApacheHttpClient5IT extends ClientContract {

    private static final String ASYNC = "apache-httpclient-5-async";

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("HttpClient 5", "apache-httpclient-5", ApacheHttpClient5App.class)
                        .arguments("2")
                        .calls(
                                Call.eachMethod(ApacheHttpClient5App.class, 2).stream()
                                        .map(
                                                call ->
                                                        call.site().contains("Async")
                                                                ? call.as(ASYNC)
                                                                : call)
                                        .toList()));
    }

    @Test
    void aTokenImdsNoLongerAcceptsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = TokenRestart.requiredTokenImds()) {
            TokenRestart.start(mock, AppJvm.mainClass(ApacheHttpClient5App.class, "--steps"))
                    .rejectedTokenIsDroppedAt("v1Execute", TokenRestart.INSTANCE_ID, 1)
                    // async: the 401 arrives on an I/O thread and still drops the token
                    .rejectedTokenIsDroppedAt("v1AsyncReusedRequest", "0a:1b:2c:3d:4e:5f", 2)
                    .quit();
        }
    }
}
