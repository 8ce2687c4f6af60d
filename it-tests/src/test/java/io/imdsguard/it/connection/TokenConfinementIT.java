package io.imdsguard.it.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.apps.indirect.IndirectRequestsJdk11App;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token stays with its IMDS: in rewrite mode the agent's token is written only on a connection
 * to the IMDS that issued it. A capturing server stands where the token must never arrive: the
 * target of a redirect that the endpoint answers, and a proxy the JVM or the client object is
 * configured with.
 */
class TokenConfinementIT {

    private static final String APP = IndirectRequestsApp.class.getName();
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    /** Clients whose redirect away from IMDS is followed, with the token left behind. */
    private static final List<String> FOLLOW_WITHOUT_TOKEN = List.of("ahc", "vertx", "reactor");

    /**
     * What the fake endpoint hands the agent: shaped like an IMDS token, and easy to find anywhere.
     */
    private static final String AGENT_TOKEN =
            "AQAEAFakeAgentTokenConfinementProbe0123456789abcdefghijklmnopq==";

    /**
     * The endpoint issues the agent a token, then answers the rewritten request with {@code 302} to
     * another host. The client must not carry the token there: the application gets the redirect
     * answer. {@code jdk} is {@code java.net.http} with {@code Redirect.NORMAL}, which copies the
     * request's headers onto the redirected request, as Jetty 9.4, 11 and 12 ({@code jetty}, {@code
     * jetty11}, {@code jetty12}) and Apache HttpClient 5 classic ({@code apache5}) do, all
     * following redirects by default. AsyncHttpClient ({@code ahc}), Vert.x WebClient ({@code
     * vertx}) and Reactor Netty ({@code reactor}) follow the redirect without the token instead.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "huc", "okhttp", "apache4", "jdk", "jetty", "jetty11", "jetty12", "apache5", "ahc",
                "vertx", "reactor"
            })
    void theAgentsTokenNeverFollowsARedirectAwayFromImds(String client, @TempDir Path dir)
            throws Exception {
        try (CapturingServer elsewhere =
                        new CapturingServer(request -> CapturingServer.Answer.ok("elsewhere"));
                CapturingServer endpoint =
                        new CapturingServer(
                                request ->
                                        request.target().startsWith("/latest/api/token")
                                                ? CapturingServer.Answer.ok(AGENT_TOKEN)
                                                : CapturingServer.Answer.redirectTo(
                                                        elsewhere.origin() + "/collect"))) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    app(client, endpoint.origin() + "/latest/meta-data/iam/security-credentials/")
                            .withAgent(
                                    "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.origin())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            assertTrue(
                    endpoint.received().stream()
                            .anyMatch(
                                    r ->
                                            AGENT_TOKEN.equals(
                                                    r.headers().get(TOKEN_HEADER.toLowerCase()))),
                    "the request was rewritten with the endpoint's token: "
                            + endpoint.received()
                            + "\n"
                            + run.describe());
            for (CapturingServer.Received received : elsewhere.received()) {
                assertFalse(received.carries(TOKEN_HEADER), "the token left its IMDS: " + received);
                assertFalse(
                        received.headers().toString().contains(AGENT_TOKEN), received.toString());
            }
            String answer = stdoutLine(run, client);
            if (FOLLOW_WITHOUT_TOKEN.contains(client)) {
                assertEquals(
                        client + ": 200 elsewhere",
                        answer,
                        "followed without the token:\n" + run.describe());
                assertEquals(1, elsewhere.received().size(), elsewhere.received().toString());
            } else {
                assertEquals(
                        client + ": 302 -",
                        answer,
                        "the redirect is answered, not followed:\n" + run.describe());
            }
            assertNoTokenIn(run, report);
        }
    }

    /**
     * With {@code -Dhttp.proxyHost} set, HttpURLConnection and OkHttp send an IMDS request to the
     * proxy: the agent does not rewrite it (reason {@code proxy}) and the proxy never sees a token.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"huc", "okhttp"})
    void theAgentsTokenNeverReachesAProxy(String client, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                CapturingServer proxy =
                        new CapturingServer(request -> CapturingServer.Answer.ok("via-proxy"))) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(
                                    IndirectRequestsApp.class,
                                    client,
                                    mock.endpoint() + "/latest/meta-data/instance-id")
                            .withAgent(
                                    "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .systemProperty("http.proxyHost", "127.0.0.1")
                            .systemProperty("http.proxyPort", String.valueOf(proxy.port()))
                            // The JDK exempts loopback unless the list is set empty; IMDS's address
                            // is never exempt.
                            .systemProperty("http.nonProxyHosts", "")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            assertEquals(
                    client + ": 200 via-proxy",
                    stdoutLine(run, client),
                    "the request went to the proxy:\n" + run.describe());
            List<CapturingServer.Received> proxied = proxy.received();
            assertEquals(1, proxied.size(), proxied.toString());
            assertFalse(
                    proxied.get(0).carries(TOKEN_HEADER),
                    "the proxy got the token: " + proxied.get(0));
            assertEquals(
                    0,
                    mock.stats().tokensIssued(),
                    "no token was even fetched: " + mock.stats().summary());
            assertEquals(
                    0,
                    mock.requests().stream()
                            .filter(r -> r.kind() != ReceivedRequest.Kind.TOKEN)
                            .count());
            JsonNode site = Reports.siteStartingWith(Reports.read(report), APP + ".");
            assertEquals(1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
            assertEquals("proxy", site.get("lastReason").asText(), site.toString());
            assertProxyExplained(run);
        }
    }

    /**
     * A proxy given to the client object itself, not the JVM's default settings: {@code huc} is
     * {@code openConnection(Proxy)}, {@code okhttp} {@code Builder.proxy}, {@code okhttp-selector}
     * {@code Builder.proxySelector}, {@code apache4} {@code HttpClientBuilder.setProxy}, {@code
     * apache4-config} {@code RequestConfig.setProxy}, {@code jdk} java.net.http's {@code
     * Builder.proxy(ProxySelector.of(...))}. The request goes out as the application made it, to
     * the proxy, which never sees a token; the report says why it was not rewritten.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"huc", "okhttp", "okhttp-selector", "apache4", "apache4-config", "jdk"})
    void theAgentsTokenNeverReachesAProxyTheClientIsGiven(String client, @TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start();
                CapturingServer proxy =
                        new CapturingServer(request -> CapturingServer.Answer.ok("via-proxy"))) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    app(
                                    client,
                                    mock.endpoint() + "/latest/meta-data/instance-id",
                                    String.valueOf(proxy.port()))
                            .withAgent(
                                    "mode=rewrite,rewrite.callers=io.imdsguard.it.apps.,report="
                                            + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());

            String printed = client.startsWith("jdk") ? "jdk" : client;
            assertEquals(
                    printed + ": 200 via-proxy",
                    stdoutLine(run, printed),
                    "the request went to the proxy:\n" + run.describe());
            List<CapturingServer.Received> proxied = proxy.received();
            assertEquals(1, proxied.size(), proxied.toString());
            assertFalse(
                    proxied.get(0).carries(TOKEN_HEADER),
                    "the proxy got the token: " + proxied.get(0));
            assertEquals(
                    0,
                    mock.stats().tokensIssued(),
                    "no token was even fetched: " + mock.stats().summary());
            assertEquals(
                    0, mock.requests().size(), "nothing reached IMDS directly: " + mock.requests());
            JsonNode site =
                    Reports.siteStartingWith(
                            Reports.read(report),
                            (client.equals("jdk") ? IndirectRequestsJdk11App.class.getName() : APP)
                                    + ".");
            assertEquals(1, site.get("actions").get("rewrite_denied").asLong(), site.toString());
            assertEquals("proxy", site.get("lastReason").asText(), site.toString());
            assertProxyExplained(run);
        }
    }

    /**
     * The app for a client: {@code jdk} is java.net.http, which has an app of its own (Java 11).
     */
    private static AppJvm app(String client, String... arguments) {
        if (client.equals("jdk")) {
            return AppJvm.mainClass(IndirectRequestsJdk11App.class, arguments);
        }
        AppJvm redirectFollowing =
                arguments.length == 1 ? RedirectFollowingClients.app(client, arguments[0]) : null;
        if (redirectFollowing != null) {
            return redirectFollowing;
        }
        List<String> all = new ArrayList<>(List.of(client));
        all.addAll(List.of(arguments));
        return AppJvm.mainClass(IndirectRequestsApp.class, all.toArray(new String[0]));
    }

    private static String stdoutLine(JvmResult run, String client) {
        return run.stdoutLines().stream()
                .filter(l -> l.startsWith(client + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
    }

    private static void assertNoTokenIn(JvmResult run, Path report) throws Exception {
        assertFalse(run.stdout().contains(AGENT_TOKEN), "token in stdout");
        assertFalse(run.stderr().contains(AGENT_TOKEN), "token in stderr");
        if (Files.exists(report)) {
            assertFalse(Files.readString(report).contains(AGENT_TOKEN), "token in the report");
        }
    }

    /**
     * The log says why, and never advises trusting more code: no caller scope lets the token reach
     * a proxy.
     */
    private static void assertProxyExplained(JvmResult run) {
        String line =
                run.agentLines().stream()
                        .filter(l -> l.contains("action=rewrite_denied"))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no rewrite_denied line:\n" + run.describe()));
        assertTrue(line.contains("the client sends it through a proxy"), line);
        assertFalse(line.contains("to rewrite.callers if"), line);
    }
}
