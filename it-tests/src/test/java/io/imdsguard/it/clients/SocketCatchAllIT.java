package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.clients.socket.RawSocketApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import java.util.List;

/**
 * Hand-written HTTP over java.net.Socket: seen at the socket level, in every mode. The clients the
 * agent knows, writing through sockets in the same JVM and thread, are reported by their own
 * instrumentation, once, never again by the catch-all; and the raw read after them is still the
 * catch-all's (their calls on this thread were counted out again).
 */
@AgentClient("socket")
class SocketCatchAllIT extends ClientContract {

    private static final int REPS = 2;

    @Override
    protected List<Variant> variants() {
        return List.of(
                Variant.of("raw socket", "socket", RawSocketApp.class)
                        .arguments(String.valueOf(REPS))
                        .calls(
                                Call.v1("raw v1", "exchange", REPS),
                                Call.v2("raw v2", "exchange", 1).answering("ami-0abcdef1234567890"),
                                Call.v1("huc v1", "main", 1).as("HttpURLConnection"),
                                Call.v1("apache4 v1", "main", 1).as("apache-httpclient-4"),
                                // a path the mock does not know: served, with a 404
                                Call.v1("apache5 v1", "main", 1)
                                        .as("apache-httpclient-5")
                                        .servedWith(404),
                                Call.v1("okhttp v1", "main", 1).as("okhttp"),
                                Call.v1("raw v1 after the clients", "exchange", 1))
                        .alsoCheck(
                                run ->
                                        assertTrue(
                                                run.sights("socket").get(0).frames().stream()
                                                        .anyMatch(
                                                                f ->
                                                                        f.startsWith(
                                                                                RawSocketApp.class
                                                                                                .getName()
                                                                                        + ".v1Read(")),
                                                "the way in through the app's own method: "
                                                        + run.sights("socket"))));
    }
}
