package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.nio.HttpAsyncClient4App;
import io.imdsguard.it.apps.clients.nio.HttpAsyncClient5MinimalApp;
import io.imdsguard.it.apps.clients.nio.JettyNewConnectionApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Outcome;
import io.imdsguard.it.clients.harness.Variant;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import java.util.List;

/**
 * Clients the agent has no hook for on the path they take, seen only on their connection to IMDS
 * (the NIO connection backstop): Apache HttpAsyncClient 4.1 ({@code createDefault()} and {@code
 * createMinimal()}), which writes on its I/O dispatcher threads, Apache HttpClient 5's {@code
 * HttpAsyncClients.createMinimal()}, which goes around the HttpClient 5 async hook, and Jetty 9.4's
 * {@code Destination.newConnection(...)} with {@code connection.send(request, listener)}, which
 * goes around {@code HttpDestination.send}, where the Jetty hook sits. Each v1 GET is counted once
 * and reported; it is never rewritten (reason {@code connection_only}: a header cannot be added to
 * bytes already in the client's buffers); under enforce the write fails, so the application gets a
 * failed call and IMDS receives nothing ({@link Call.Kind#CONNECTION_ONLY_V1}).
 */
@AgentClient("nio-channel")
class ConnectionOnlyClientsIT extends ClientContract {

    private static final String CLIENT = "nio-channel";
    private static final String PATH = "/latest/meta-data/instance-id";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    private static final String URL = Variant.IMDS + PATH;

    @Override
    protected List<Variant> variants() {
        return List.of(
                // HttpAsyncClient writes on its I/O dispatcher thread, where no application frame
                // is:
                // the report shows that thread and the library's frames that wrote the request.
                connectionOnly(
                        Variant.of(
                                        "HttpAsyncClient 4.1 createDefault()",
                                        CLIENT,
                                        HttpAsyncClient4App.class)
                                .arguments("default", URL),
                        Call.connectionOnlyV1("default", "v1Read", 1)
                                .onLibraryThread("I/O dispatcher", "org.apache.http.impl.nio.")),
                connectionOnly(
                                Variant.of(
                                                "HttpAsyncClient 4.1 createMinimal()",
                                                CLIENT,
                                                HttpAsyncClient4App.class)
                                        .arguments("minimal", URL),
                                Call.connectionOnlyV1("minimal", "v1Read", 1)
                                        .onLibraryThread(
                                                "I/O dispatcher", "org.apache.http.impl.nio."))
                        // HttpAsyncClient 4.1.5's minimal client never fails its future when the
                        // connection
                        // fails (MinimalClientExchangeHandlerImpl.executionFailed leaves it open):
                        // the
                        // application's own time limit ends the call, as it would on a connection
                        // reset.
                        .alsoCheck(
                                run -> {
                                    if (run.mode().equals("enforce")) {
                                        assertEquals(
                                                List.of(
                                                        "FAILED java.util.concurrent.TimeoutException"),
                                                run.results("minimal"),
                                                run.jvm().describe());
                                    }
                                }),
                connectionOnly(
                        Variant.of(
                                        "HttpClient 5 createMinimal()",
                                        CLIENT,
                                        HttpAsyncClient5MinimalApp.class)
                                .arguments(URL),
                        Call.connectionOnlyV1("minimal5", "v1Read", 1)
                                .onLibraryThread(
                                        "httpclient-dispatch",
                                        "org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient")),
                // connection.send writes on the calling thread: the application's method is the
                // site.
                connectionOnly(
                        Variant.of("Jetty 9.4 newConnection", CLIENT, JettyNewConnectionApp.class)
                                .libraries("jetty-9.4")
                                .arguments(URL),
                        Call.connectionOnlyV1("jetty", "v1ReadOnOwnConnection", 1)));
    }

    private static Variant connectionOnly(Variant variant, Call call) {
        return variant.calls(call.answering(INSTANCE_ID))
                .appTokens(0)
                .modesAgainst(HttpTokens.OPTIONAL)
                .alsoCheck(ConnectionOnlyClientsIT::saysWhyNotRewritten);
    }

    /**
     * Its path in the log; under rewrite, why not rewritten, and no advice no scope could follow.
     */
    private static void saysWhyNotRewritten(Outcome run) {
        for (FirstSight sight : run.jvm().agent().firstSights()) {
            assertEquals(PATH, sight.path(), sight.toString());
        }
        assertTrue(
                run.jvm().agent().linesContaining("to rewrite.callers").isEmpty(),
                "no scope can make the agent"
                        + " rewrite a request it sees only on the connection; the log must not suggest one:\n"
                        + run.jvm().stderr());
        if (run.mode().equals("rewrite")) {
            JsonNode site = Reports.callSites(run.report()).get(0);
            assertEquals("connection_only", site.get("lastReason").asText(), site.toString());
        }
    }
}
