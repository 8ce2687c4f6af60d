package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.jdkhttpclient.JdkHttpClientJdk11App;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import java.util.List;

/**
 * java.net.http's HttpClient: {@code send}, {@code sendAsync} (reported on the calling thread,
 * where the application made the request), a relayed request and native v2, each call a method of
 * the app.
 */
@AgentClient("java.net.http.HttpClient")
class JdkHttpClientIT extends ClientContract {

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("java.net.http", "java.net.http.HttpClient", JdkHttpClientJdk11App.class)
                        .arguments("2")
                        .runsFrom(11, "java.net.http")
                        .calls(Call.eachMethod(JdkHttpClientJdk11App.class, 2))
                        .calls(Call.relayedV1("relayed", "relayedV1", 1)));
    }
}
