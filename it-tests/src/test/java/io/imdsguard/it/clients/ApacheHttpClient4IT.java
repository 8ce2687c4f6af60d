package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.apachehttpclient4.ApacheHttpClient4App;
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
 * Apache HttpClient 4.5: the builder's client, the minimal client and the deprecated
 * DefaultHttpClient, each call a method of the app ({@link Call#eachMethod}).
 */
@AgentClient("apache-httpclient-4")
class ApacheHttpClient4IT extends ClientContract {

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("HttpClient 4.5", "apache-httpclient-4", ApacheHttpClient4App.class)
                        .arguments("2")
                        .calls(Call.eachMethod(ApacheHttpClient4App.class, 2)));
    }

    @Test
    void aTokenImdsNoLongerAcceptsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = TokenRestart.requiredTokenImds()) {
            TokenRestart.start(mock, AppJvm.mainClass(ApacheHttpClient4App.class, "--steps"))
                    .rejectedTokenIsDroppedAt("v1Execute", TokenRestart.INSTANCE_ID, 1)
                    .quit();
        }
    }
}
