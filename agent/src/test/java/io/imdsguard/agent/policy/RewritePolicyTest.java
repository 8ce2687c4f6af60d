package io.imdsguard.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.imdsguard.agent.config.CallerScope;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.rewrite.FakeClock;
import io.imdsguard.agent.rewrite.FakeTokenFetcher;
import io.imdsguard.agent.rewrite.TokenProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewritePolicyTest {

    /** Never contacted: the fetcher is a fake. */
    private static final String ORIGIN = "http://127.0.0.1:1338";

    private static final String OTHER_ORIGIN = "http://127.0.0.1:1339";

    @TempDir Path dir;

    private final FakeClock clock = new FakeClock();
    private final FakeTokenFetcher fetcher = new FakeTokenFetcher();
    private RewritePolicy policy;

    @BeforeEach
    void setUp() {
        TokenProvider tokens =
                new TokenProvider(
                        fetcher,
                        21600,
                        clock,
                        AgentLog.open(dir.resolve("agent.log").toString(), false),
                        new ImdsMetrics());
        policy =
                new RewritePolicy(
                        new CallerScope(Arrays.asList("com.acme.Client", "com.amazonaws.")),
                        tokens);
    }

    private static ImdsRequest v1(boolean forwardedFor, String origin) {
        return new ImdsRequest(
                "HttpURLConnection",
                "GET",
                "/latest/meta-data/instance-id",
                false,
                forwardedFor,
                origin);
    }

    /** A stack as the instrumentation sees it: JDK client frames above the call site. */
    private static CallerFrames calledFrom(String... applicationClasses) {
        StackTraceElement[] stack = new StackTraceElement[2 + applicationClasses.length];
        stack[0] =
                new StackTraceElement(
                        "sun.net.www.protocol.http.HttpURLConnection",
                        "connect",
                        "HttpURLConnection.java",
                        1000);
        stack[1] = new StackTraceElement("java.net.URL", "openStream", "URL.java", 1200);
        for (int i = 0; i < applicationClasses.length; i++) {
            stack[2 + i] = new StackTraceElement(applicationClasses[i], "call", "X.java", 10 + i);
        }
        return CallerFrames.of(stack);
    }

    @Test
    void anInScopeCallIsSentWithTheAgentsToken() {
        Decision decision = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client"));
        assertEquals(ImdsVersion.V1, decision.version());
        assertEquals(Action.REWRITTEN, decision.action());
        assertEquals(Decision.NO_REASON, decision.reason());
        assertEquals(fetcher.token(1), decision.tokenHeader());
        assertEquals(
                Collections.singletonList(ORIGIN),
                fetcher.origins(),
                "the token comes from the request's IMDS");
        assertEquals(Collections.singletonList(21600), fetcher.requestedTtls());

        Decision nested = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client$Inner"));
        assertEquals(Action.REWRITTEN, nested.action());
        assertEquals(fetcher.token(1), nested.tokenHeader());
        assertEquals(1, fetcher.calls(), "one shared token");
    }

    @Test
    void aRelayedRequestIsNeverRewrittenEvenInScope() {
        Decision decision = policy.decideV1(v1(true, ORIGIN), calledFrom("com.acme.Client"));
        assertEquals(ImdsVersion.V1, decision.version());
        assertEquals(Action.REWRITE_DENIED, decision.action());
        assertEquals(RewritePolicy.RELAYED, decision.reason());
        assertEquals("relayed", decision.reason());
        assertNull(decision.tokenHeader());
        assertEquals(0, fetcher.calls(), "no token is fetched for a request that will not get one");
    }

    @Test
    void anOutOfScopeCallIsSentUnchangedWithoutFetchingAToken() {
        Decision decision =
                policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.ClientOfAttacker"));
        assertEquals(ImdsVersion.V1, decision.version());
        assertEquals(Action.REWRITE_DENIED, decision.action());
        assertEquals(RewritePolicy.OUT_OF_SCOPE, decision.reason());
        assertEquals("out_of_scope", decision.reason());
        assertNull(decision.tokenHeader());
        assertEquals(0, fetcher.calls());
    }

    @Test
    void onlyTheCallSiteCountsNotATrustedFrameFurtherDown() {
        // An SSRF-prone controller makes the request; trusted code is merely on the stack below it.
        Decision decision =
                policy.decideV1(
                        v1(false, ORIGIN),
                        calledFrom(
                                "com.evil.ProxyController",
                                "com.acme.Client",
                                "com.amazonaws.Main"));
        assertEquals(Action.REWRITE_DENIED, decision.action());
        assertEquals(RewritePolicy.OUT_OF_SCOPE, decision.reason());
        assertEquals(0, fetcher.calls());
    }

    @Test
    void anInScopeCallWithoutATokenIsSentUnchangedWithTheReason() {
        fetcher.failWith("timeout");
        Decision decision = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client"));
        assertEquals(ImdsVersion.V1, decision.version());
        assertEquals(Action.REWRITE_FAILED, decision.action());
        assertEquals("timeout", decision.reason());
        assertNull(decision.tokenHeader());

        // Within the back-off the next call fails the same way without asking IMDS again.
        fetcher.failWith("refused");
        Decision again =
                policy.decideV1(
                        v1(false, ORIGIN), calledFrom("com.amazonaws.internal.EC2ResourceFetcher"));
        assertEquals(Action.REWRITE_FAILED, again.action());
        assertEquals("timeout", again.reason());
        assertNull(again.tokenHeader());
        assertEquals(1, fetcher.calls());
    }

    @Test
    void eachImdsEndpointGetsItsOwnToken() {
        Decision first = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client"));
        Decision second = policy.decideV1(v1(false, OTHER_ORIGIN), calledFrom("com.acme.Client"));
        assertEquals(Arrays.asList(ORIGIN, OTHER_ORIGIN), fetcher.origins());
        assertEquals(fetcher.token(1), first.tokenHeader());
        assertEquals(fetcher.token(2), second.tokenHeader());
    }

    @Test
    void aDecisionNeverShowsTheToken() {
        Decision rewritten = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client"));
        assertEquals(Action.REWRITTEN, rewritten.action());
        assertFalse(rewritten.toString().contains(rewritten.tokenHeader()), rewritten.toString());
        assertFalse(
                rewritten.toString().contains(FakeTokenFetcher.SECRET_MARK), rewritten.toString());
        assertEquals("v1/rewritten/none", rewritten.toString());
    }

    /**
     * A request that reached IMDS by a redirect or an alias is never rewritten, whatever its call
     * site.
     */
    @Test
    void aRequestThatReachedImdsIndirectlyIsNeverRewritten() {
        Decision redirected =
                policy.decideV1(
                        v1(false, ORIGIN).reachedIndirectly(ImdsRequest.BY_REDIRECT),
                        calledFrom("com.acme.Client"));
        assertEquals(Action.REWRITE_DENIED, redirected.action());
        assertEquals("redirect", redirected.reason());
        assertNull(redirected.tokenHeader());
        assertEquals(0, fetcher.calls(), "no token is even fetched for it");
    }

    /**
     * With the JVM's default proxy selector pointing at a proxy, the token would reach the proxy.
     */
    @Test
    void aRequestTheDefaultProxySelectorSendsThroughAProxyIsNotRewritten() {
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        java.net.ProxySelector.setDefault(
                new java.net.ProxySelector() {
                    @Override
                    public java.util.List<java.net.Proxy> select(java.net.URI uri) {
                        return Collections.singletonList(
                                new java.net.Proxy(
                                        java.net.Proxy.Type.HTTP,
                                        java.net.InetSocketAddress.createUnresolved(
                                                "proxy.example", 3128)));
                    }

                    @Override
                    public void connectFailed(
                            java.net.URI uri,
                            java.net.SocketAddress address,
                            java.io.IOException e) {}
                });
        try {
            Decision decision = policy.decideV1(v1(false, ORIGIN), calledFrom("com.acme.Client"));
            assertEquals(Action.REWRITE_DENIED, decision.action());
            assertEquals("proxy", decision.reason());
            assertNull(decision.tokenHeader());
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
    }

    /** A proxy the client object is given decides, whatever the JVM's default settings say. */
    @Test
    void aRequestTheClientSendsThroughItsOwnProxyIsNotRewritten() {
        java.net.Proxy proxy =
                new java.net.Proxy(
                        java.net.Proxy.Type.HTTP,
                        java.net.InetSocketAddress.createUnresolved("proxy.example", 3128));
        Object[] proxiedRoutes = {proxy, Boolean.TRUE, selectorOf(proxy)};
        for (Object route : proxiedRoutes) {
            Decision decision =
                    policy.decideV1(
                            v1(false, ORIGIN).routedBy(route), calledFrom("com.acme.Client"));
            assertEquals(Action.REWRITE_DENIED, decision.action(), String.valueOf(route));
            assertEquals("proxy", decision.reason());
            assertNull(decision.tokenHeader());
        }
        assertEquals(0, fetcher.calls(), "no token is even fetched for them");
    }

    /**
     * A client told to connect directly is rewritten even when the JVM's default selector has a
     * proxy.
     */
    @Test
    void aClientThatConnectsDirectlyIsRewrittenDespiteTheDefaultProxy() {
        java.net.Proxy proxy =
                new java.net.Proxy(
                        java.net.Proxy.Type.HTTP,
                        java.net.InetSocketAddress.createUnresolved("proxy.example", 3128));
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        java.net.ProxySelector.setDefault(selectorOf(proxy));
        try {
            Object[] directRoutes = {
                java.net.Proxy.NO_PROXY, Boolean.FALSE, selectorOf(java.net.Proxy.NO_PROXY)
            };
            for (Object route : directRoutes) {
                Decision decision =
                        policy.decideV1(
                                v1(false, ORIGIN).routedBy(route), calledFrom("com.acme.Client"));
                assertEquals(Action.REWRITTEN, decision.action(), String.valueOf(route));
            }
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
    }

    private static java.net.ProxySelector selectorOf(final java.net.Proxy proxy) {
        return new java.net.ProxySelector() {
            @Override
            public java.util.List<java.net.Proxy> select(java.net.URI uri) {
                return Collections.singletonList(proxy);
            }

            @Override
            public void connectFailed(
                    java.net.URI uri, java.net.SocketAddress address, java.io.IOException e) {}
        };
    }
}
