package io.imdsguard.it.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.apps.indirect.IndirectRequestsJdk11App;
import io.imdsguard.it.apps.indirect.NioClientApp;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection decides: a request that reaches IMDS is judged whatever led there. Through
 * HttpURLConnection, OkHttp and Apache HttpClient 4, a URL of an ordinary server that answers
 * {@code 302} into IMDS, and a name that is not the endpoint's but resolves to it ({@code
 * localhost} for an endpoint at {@code 127.0.0.1}), are counted and reported with the application's
 * call site, never rewritten (that is how an SSRF flaw reaches IMDS), and refused under enforce as
 * {@code HttpTokens=required} refuses them.
 */
class ConnectionBackstopIT {

    private static final String APP = IndirectRequestsApp.class.getName();
    private static final String PATH = "/latest/meta-data/instance-id";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";

    /** A name no DNS knows, which only the hosts file given to the application JVM resolves. */
    private static final String HOSTS_FILE_NAME = "metadata.internal.example";

    /** Clients that write through NIO channels, where enforce refuses the write itself. */
    private static final List<String> NIO_CLIENTS = List.of("jdk", "nio");

    static Stream<Arguments> clientsAndModes() {
        return clientsAndModes(List.of("huc", "okhttp", "apache4"));
    }

    /** The blocking three, and every other client that follows redirects by itself. */
    static Stream<Arguments> redirectFollowingClientsAndModes() {
        return clientsAndModes(
                RedirectFollowingClients.withBlockingClients("huc", "okhttp", "apache4"));
    }

    private static Stream<Arguments> clientsAndModes(List<String> clients) {
        List<Arguments> cases = new ArrayList<>();
        for (String client : clients) {
            for (String mode : List.of("report", "rewrite", "enforce")) {
                cases.add(Arguments.of(client, mode));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("redirectFollowingClientsAndModes")
    void aRedirectIntoImdsIsJudgedAndNeverRewritten(String client, String mode, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                CapturingServer redirector =
                        new CapturingServer(
                                request ->
                                        CapturingServer.Answer.redirectTo(
                                                mock.endpoint() + PATH))) {
            Path report = dir.resolve("report.json");
            JvmResult run = runApp(client, redirector.origin() + "/innocent", mode, mock, report);

            assertIndirectRequestJudged(
                    client,
                    mode,
                    mock,
                    run,
                    report,
                    "redirect",
                    RedirectFollowingClients.appClass(client));
            assertEquals(
                    1,
                    redirector.received().size(),
                    "the application's request went to its URL first");
            JvmResult check = AppJvm.agentCommand("check", report.toString()).run();
            assertEquals(1, check.exitCode(), check.describe());
            assertTrue(
                    check.stdout().startsWith("NOT READY: 1 IMDSv1 call site(s)"),
                    "v1 calls that arrive by redirect break under HttpTokens=required:\n"
                            + check.stdout());
        }
    }

    /**
     * Jetty's hook judges every hop, redirects included (they pass through the same {@code
     * HttpDestination.send}), so a hop into IMDS must be marked as a redirect there: then no caller
     * scope, not even {@code rewrite.callers=*}, gets it the token. The hop is sent by Jetty's I/O
     * thread, whose call site is Jetty's own code, which only {@code *} puts in scope.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "jetty11", "jetty12"})
    void aRedirectHopIntoImdsIsNeverRewrittenEvenWithEveryCallerInScope(
            String client, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                CapturingServer redirector =
                        new CapturingServer(
                                request ->
                                        CapturingServer.Answer.redirectTo(
                                                mock.endpoint() + PATH))) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    RedirectFollowingClients.app(client, redirector.origin() + "/innocent")
                            .withAgent("mode=rewrite,rewrite.callers=*,report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            assertTrue(
                    run.stdoutLines().contains(client + ": 200 " + INSTANCE_ID),
                    "sent as v1, which IMDS with"
                            + " HttpTokens=optional serves:\n"
                            + run.describe());
            ImdsStats stats = mock.stats();
            assertEquals(
                    0, stats.tokensIssued(), "the agent took no token for it: " + stats.summary());
            assertEquals(
                    1,
                    mock.requests().stream()
                            .filter(r -> r.kind() == ReceivedRequest.Kind.V1)
                            .count(),
                    "never rewritten: " + mock.requests());
            JsonNode json = Reports.read(report);
            assertEquals(
                    0, json.get("totals").get("rewritten").asLong(), json.get("totals").toString());
            JsonNode site = onlyCallSite(json);
            assertEquals(1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
            assertEquals("redirect", site.get("lastReason").asText(), site.toString());
        }
    }

    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("clientsAndModes")
    void aNameThatResolvesToTheEndpointIsJudgedAndNeverRewritten(
            String client, String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            assertTrue(mock.endpoint().startsWith("http://127.0.0.1:"), mock.endpoint());
            Path report = dir.resolve("report.json");
            JvmResult run =
                    runApp(client, "http://localhost:" + mock.port() + PATH, mode, mock, report);

            assertIndirectRequestJudged(client, mode, mock, run, report, "alias");
        }
    }

    /**
     * A made-up name that the JVM's hosts file ({@code -Djdk.net.hosts.file}, Java 9+) maps to the
     * endpoint's address, as a DNS record could: no client hook knows the name, the connection
     * does. Judged like any alias, through the blocking clients and {@code java.net.http} alike.
     */
    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("hostsFileClientsAndModes")
    void aNameTheHostsFileResolvesToTheEndpointIsJudgedAndNeverRewritten(
            String client, String mode, @TempDir Path dir) throws Exception {
        AppJava.assumeAtLeast(9, "the hosts file property jdk.net.hosts.file");
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            assertTrue(mock.endpoint().startsWith("http://127.0.0.1:"), mock.endpoint());
            Path hosts =
                    Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + HOSTS_FILE_NAME + "\n");
            Path report = dir.resolve("report.json");
            String url = "http://" + HOSTS_FILE_NAME + ":" + mock.port() + PATH;
            boolean jdk = client.equals("jdk");
            AppJvm app =
                    jdk
                            ? AppJvm.mainClass(IndirectRequestsJdk11App.class, url)
                            : AppJvm.mainClass(IndirectRequestsApp.class, client, url);
            JvmResult run =
                    app.systemProperty("jdk.net.hosts.file", hosts.toString())
                            .withAgent(
                                    "mode="
                                            + mode
                                            + ",rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdoutLines().contains("done"), run.describe());

            assertIndirectRequestJudged(
                    client,
                    mode,
                    mock,
                    run,
                    report,
                    "alias",
                    jdk ? IndirectRequestsJdk11App.class.getName() : APP);
        }
    }

    static Stream<Arguments> hostsFileClientsAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (String client : List.of("huc", "okhttp", "apache4", "jdk")) {
            for (String mode : List.of("report", "rewrite", "enforce")) {
                cases.add(Arguments.of(client, mode));
            }
        }
        return cases.stream();
    }

    /**
     * The same through {@code java.net.http}, which writes through NIO channels: the NIO backstop
     * sees the request on its connection. Under enforce the write fails, so the call fails and IMDS
     * receives nothing (a header cannot be added to bytes already in the client's buffers).
     */
    @ParameterizedTest(name = "java.net.http {0}, mode={1}")
    @MethodSource("indirectUrlsAndModes")
    void javaNetHttpRequestsThatReachImdsIndirectlyAreJudged(
            String how, String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                CapturingServer redirector =
                        new CapturingServer(
                                request ->
                                        CapturingServer.Answer.redirectTo(
                                                mock.endpoint() + PATH))) {
            Path report = dir.resolve("report.json");
            String url =
                    how.equals("redirect")
                            ? redirector.origin() + "/innocent"
                            : "http://localhost:" + mock.port() + PATH;
            JvmResult run =
                    AppJvm.mainClass(IndirectRequestsJdk11App.class, url)
                            .withAgent(
                                    "mode="
                                            + mode
                                            + ",rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertIndirectRequestJudged(
                    "jdk", mode, mock, run, report, how, IndirectRequestsJdk11App.class.getName());
        }
    }

    /** A hand-written client over an NIO SocketChannel: no hook sees it, only the connection. */
    @ParameterizedTest(name = "mode={0}")
    @ValueSource(strings = {"report", "rewrite", "enforce"})
    void aHandWrittenNioClientIsJudgedOnItsConnection(String mode, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(NioClientApp.class, mock.endpoint() + PATH)
                            .withAgent(
                                    "mode="
                                            + mode
                                            + ",rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertIndirectRequestJudged(
                    "nio",
                    mode,
                    mock,
                    run,
                    report,
                    "connection_only",
                    NioClientApp.class.getName());
        }
    }

    static Stream<Arguments> indirectUrlsAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (String how : List.of("redirect", "alias")) {
            for (String mode : List.of("report", "rewrite", "enforce")) {
                cases.add(Arguments.of(how, mode));
            }
        }
        return cases.stream();
    }

    private static JvmResult runApp(
            String client, String url, String mode, MockImds mock, Path report) throws Exception {
        AppJvm app = RedirectFollowingClients.app(client, url);
        JvmResult run =
                (app != null ? app : AppJvm.mainClass(IndirectRequestsApp.class, client, url))
                        .withAgent(
                                "mode="
                                        + mode
                                        + ",rewrite.callers=io.imdsguard.it.apps.,report="
                                        + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.stdout().contains("done"), run.describe());
        return run;
    }

    /** What the application got, what IMDS received, and what the report says, per mode. */
    private static void assertIndirectRequestJudged(
            String client, String mode, MockImds mock, JvmResult run, Path report, String reason)
            throws Exception {
        assertIndirectRequestJudged(client, mode, mock, run, report, reason, APP);
    }

    private static void assertIndirectRequestJudged(
            String client,
            String mode,
            MockImds mock,
            JvmResult run,
            Path report,
            String reason,
            String app)
            throws Exception {
        String answer =
                run.stdoutLines().stream()
                        .filter(l -> l.startsWith(client + ": "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(run.describe()));
        ImdsStats stats = mock.stats();
        long v1Received =
                mock.requests().stream().filter(r -> r.kind() == ReceivedRequest.Kind.V1).count();
        JsonNode json = Reports.read(report);
        long v1Counted = json.get("totals").get("v1").asLong();
        if (client.equals("jdk") && mode.equals("enforce")) {
            // java.net.http retries a GET whose connection failed, once: each attempt is refused
            // and counted.
            assertTrue(
                    v1Counted >= 1 && v1Counted == json.get("totals").get("blocked").asLong(),
                    json.get("totals") + "\n" + run.describe());
        } else {
            assertEquals(
                    1,
                    v1Counted,
                    "counted once: "
                            + json.get("totals")
                            + "\n"
                            + run.describe()
                            + "\nIMDS received: "
                            + mock.requests());
        }
        JsonNode totals = json.get("totals");
        // java.net.http writes a redirect's request from its own threads, where no application
        // frame is
        // on the stack: its actions are checked in the totals.
        // The other clients that follow redirects do so from their I/O threads, where the request's
        // only
        // call site is the client's own code: the report's one call site is checked.
        JsonNode site =
                client.equals("jdk")
                        ? null
                        : RedirectFollowingClients.NAMES.contains(client)
                                ? onlyCallSite(json)
                                : Reports.siteStartingWith(json, app + ".");
        if (site != null) {
            assertEquals(1, site.get("count").asLong(), site.toString());
        }
        switch (mode) {
            case "report" -> {
                assertEquals(client + ": 200 " + INSTANCE_ID, answer, run.describe());
                assertEquals(1, v1Received, stats.summary());
                if (site != null) {
                    assertEquals(1, site.get("actions").get("observed").asLong(), site.toString());
                }
            }
            case "rewrite" -> {
                assertEquals(
                        client + ": 200 " + INSTANCE_ID,
                        answer,
                        "sent as v1, which IMDS with HttpTokens="
                                + "optional serves:\n"
                                + run.describe());
                assertEquals(1, v1Received, "never rewritten: " + stats.summary());
                assertEquals(
                        0,
                        stats.tokensIssued(),
                        "the agent took no token for it: " + stats.summary());
                assertEquals(1, totals.get("rewriteDenied").asLong(), totals.toString());
                if (site != null) {
                    assertEquals(
                            1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
                    assertEquals(reason, site.get("lastReason").asText(), site.toString());
                }
            }
            default -> {
                if (RedirectFollowingClients.NIO.contains(client)
                        && !answer.equals(client + ": 401 -")) {
                    assertTrue(
                            answer.startsWith(client + ": FAILED "),
                            "refused, by 401 or a failed call:\n" + run.describe());
                    assertEquals(0, stats.total(), "nothing reached IMDS: " + stats.summary());
                } else if (NIO_CLIENTS.contains(client)) {
                    assertTrue(
                            answer.startsWith(client + ": FAILED java.io.IOException"),
                            "an NIO write is refused" + " before it leaves:\n" + run.describe());
                    assertEquals(0, stats.total(), "nothing reached IMDS: " + stats.summary());
                } else {
                    assertEquals(
                            client + ": 401 -",
                            answer,
                            "refused as HttpTokens=required refuses it:\n" + run.describe());
                    assertEquals(1, stats.v2Rejected(), stats.summary());
                }
                assertEquals(0, v1Received, "no v1 request reached IMDS: " + stats.summary());
                assertTrue(totals.get("blocked").asLong() >= 1, totals.toString());
                if (site != null) {
                    assertEquals(1, site.get("actions").get("blocked").asLong(), site.toString());
                }
            }
        }
    }

    private static JsonNode onlyCallSite(JsonNode report) {
        List<JsonNode> sites = Reports.callSites(report);
        assertEquals(1, sites.size(), "one call site: " + report);
        return sites.get(0);
    }
}
