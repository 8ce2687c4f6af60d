package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.httpurlconnection.HttpUrlConnectionApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import java.util.List;

/**
 * The JDK's HttpURLConnection: {@code getResponseCode}, {@code URL.openStream}, a relayed request
 * and native v2, each call a method of the app. Its redirects, restarts and faults have tests of
 * their own (RewriteIT, EnforceIT, TokenConfinementIT, FaultSuiteIT).
 */
@AgentClient("HttpURLConnection")
class HttpUrlConnectionIT extends ClientContract {

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("HttpURLConnection", "HttpURLConnection", HttpUrlConnectionApp.class)
                        .arguments("2")
                        .calls(Call.eachMethod(HttpUrlConnectionApp.class, 2))
                        .calls(Call.relayedV1("relayed", "relayedV1", 1)));
    }
}
