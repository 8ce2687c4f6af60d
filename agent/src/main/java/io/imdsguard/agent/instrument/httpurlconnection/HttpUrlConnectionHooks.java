package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.diagnose.TokenFailure;
import io.imdsguard.agent.instrument.ClientContext;
import io.imdsguard.agent.instrument.ClientHooks;
import io.imdsguard.agent.instrument.FollowingRedirects;
import io.imdsguard.agent.instrument.HookedRequests;
import io.imdsguard.agent.instrument.ImdsClientCalls;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import io.imdsguard.agent.rewrite.TokenProvider;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Applies the agent's decisions to an {@link HttpURLConnection}: its headers can still change
 * before it connects ({@link HttpUrlConnectionAdvice}), a 401 drops a rejected token of the
 * agent's, and a failed token PUT is diagnosed.
 */
public final class HttpUrlConnectionHooks implements ClientHooks {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final LazyTokenProvider tokens;
    private final Diagnoses diagnoses;
    private final HookedRequests hooked;
    private final AgentLog log;

    public HttpUrlConnectionHooks(ClientContext context) {
        this.endpoints = context.endpoints();
        this.observer = context.observer();
        this.tokens = context.tokens();
        this.diagnoses = context.diagnoses();
        this.hooked = context.hooked();
        this.log = context.log();
    }

    /**
     * Before the connection connects.
     *
     * @param route the {@code Proxy} given to {@code URL.openConnection(Proxy)}, or null when the
     *     connection follows the JVM's default proxy settings
     * @return the connection when the request is to IMDS, counted in; null for any other
     */
    @Override
    public Object sending(Object request, Object route) {
        return beforeConnect((HttpURLConnection) request, (java.net.Proxy) route) ? request : null;
    }

    private boolean beforeConnect(HttpURLConnection connection, java.net.Proxy clientProxy) {
        if (AgentOwnRequests.active()) {
            return false;
        }
        boolean entered = false;
        try {
            // Non-IMDS requests, nearly all of them, leave right here: no per-request state for
            // them.
            if (!HttpUrlConnectionRequests.targetsImds(connection, endpoints)) {
                return false;
            }
            ImdsClientCalls.enter();
            entered = true;
            // The nested entries of a request (getInputStream calls connect) leave before it is
            // described.
            if (HttpUrlConnectionRequests.firstEntry(connection)) {
                ImdsRequest request =
                        HttpUrlConnectionRequests.describeImds(connection).routedBy(clientProxy);
                boolean redirectHop = FollowingRedirects.onThisThread();
                if (redirectHop) {
                    request = request.reachedIndirectly(ImdsRequest.BY_REDIRECT);
                }
                Decision decision = observer.handle(request);
                hooked.expect(
                        request.method(), request.path(), decision.action() == Action.BLOCKED);
                if (decision.tokenHeader() != null && !redirectHop) {
                    // Mid-redirect the headers are fixed: the enforce refusal is then applied on
                    // the wire.
                    connection.setRequestProperty(ImdsRequest.TOKEN_HEADER, decision.tokenHeader());
                    if (decision.action() == Action.REWRITTEN) {
                        // The agent's token must not follow a redirect to wherever the answer
                        // points.
                        connection.setInstanceFollowRedirects(false);
                    }
                }
            }
            return true;
        } catch (Throwable t) {
            log.internalError(HttpUrlConnectionRequests.CLIENT, t);
            return entered;
        }
    }

    /**
     * @param answer what the connection threw, or null
     * @param detail the status it got ({@code Integer}; 0 or less for none)
     */
    @Override
    public Object answered(Object request, Object sender, Object answer, Object detail) {
        HttpURLConnection connection = (HttpURLConnection) request;
        int responseCode = detail instanceof Integer ? (Integer) detail : 0;
        if (answer instanceof Throwable) {
            failed(connection, responseCode, (Throwable) answer);
        } else if (responseCode == 401) {
            unauthorized(connection);
        }
        return null;
    }

    @Override
    public boolean refusesRedirect(Object sentRequest) {
        // HttpURLConnection follows its redirects in followRedirect(), where FollowingRedirects
        // marks them.
        return false;
    }

    private void unauthorized(HttpURLConnection connection) {
        TokenProvider tokens = this.tokens.existing();
        if (tokens == null || AgentOwnRequests.active()) {
            return;
        }
        try {
            URL url = connection.getURL();
            int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
            if (!endpoints.isImds(url.getHost(), port)) {
                return;
            }
            String sent = connection.getRequestProperty(ImdsRequest.TOKEN_HEADER);
            if (sent != null) {
                // Only the agent's own token is dropped; an application token is the application's
                // business.
                tokens.rejected(ImdsRequest.origin(url.getProtocol(), url.getHost(), port), sent);
            }
        } catch (Throwable t) {
            log.internalError(HttpUrlConnectionRequests.CLIENT + " 401", t);
        }
    }

    /** The request failed: a failed token PUT of the application's is diagnosed. */
    private void failed(HttpURLConnection connection, int responseCode, Throwable thrown) {
        if (diagnoses == null || AgentOwnRequests.active()) {
            return;
        }
        try {
            // Only the application's token PUTs matter here; any other failed request leaves at
            // once.
            if (!"PUT".equals(connection.getRequestMethod())) {
                return;
            }
            ImdsRequest request = HttpUrlConnectionRequests.describe(connection, endpoints);
            if (request != null && RequestClassifier.classify(request) == ImdsVersion.TOKEN) {
                diagnoses.tokenFailedOnThisThread(TokenFailure.of(responseCode, thrown));
            }
        } catch (Throwable t) {
            log.internalError(HttpUrlConnectionRequests.CLIENT + " failure", t);
        }
    }
}
