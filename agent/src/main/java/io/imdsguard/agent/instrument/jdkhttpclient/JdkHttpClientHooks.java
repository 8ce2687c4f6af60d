package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.instrument.ClientContext;
import io.imdsguard.agent.instrument.ClientHooks;
import io.imdsguard.agent.instrument.HookedRequests;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.rewrite.AgentOwnRequests;

/**
 * Applies the agent's decisions to {@code java.net.http.HttpClient}'s requests ({@link
 * JdkHttpClientAdvice}): an immutable request is replaced by one with the token header, the agent's
 * token is retried once when IMDS rejects it, and a token is not carried away by a redirect ({@link
 * JdkHttpRedirectAdvice}).
 */
public final class JdkHttpClientHooks implements ClientHooks {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final Diagnoses diagnoses;
    private final HookedRequests hooked;
    private final AgentLog log;
    private final JdkHttpRequests httpRequests = new JdkHttpRequests();
    private final JdkHttpRetry retry;
    private final JdkTokenOutcomes jdkTokenOutcomes = new JdkTokenOutcomes(httpRequests);

    public JdkHttpClientHooks(ClientContext context) {
        this.endpoints = context.endpoints();
        this.observer = context.observer();
        this.diagnoses = context.diagnoses();
        this.hooked = context.hooked();
        this.log = context.log();
        this.retry = new JdkHttpRetry(httpRequests, context.tokens(), log);
    }

    /**
     * @param request the {@code HttpRequest} about to be sent
     * @param route the {@code HttpClient} that sends it: its proxy decides where the request goes
     * @return the request to send, the same one or a replacement; null for a request not to IMDS
     */
    @Override
    public Object sending(Object request, Object route) {
        if (AgentOwnRequests.active() || JdkHttpRetry.retrying()) {
            return null;
        }
        try {
            ImdsRequest described = httpRequests.describe(request, endpoints);
            if (described == null) {
                return null;
            }
            described = described.routedBy(httpRequests.proxySelector(route));
            Decision decision = observer.handle(described);
            // The connection backstop sees the request again on the wire: it must not count it
            // twice.
            hooked.expect(
                    described.method(), described.path(), decision.action() == Action.BLOCKED);
            if (decision.version() == ImdsVersion.TOKEN && diagnoses != null) {
                jdkTokenOutcomes.sending(request, diagnoses.currentAttempt());
            }
            if (decision.tokenHeader() == null) {
                return request;
            }
            Object changed =
                    httpRequests.withHeader(
                            request, ImdsRequest.TOKEN_HEADER, decision.tokenHeader());
            if (decision.action() == Action.REWRITTEN) {
                retry.expect(changed, described.origin(), decision.tokenHeader());
            }
            return changed;
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT, t);
            return null;
        }
    }

    /**
     * The client has started sending {@code request}.
     *
     * @param sender the {@code HttpClient}
     * @param answer the future of the response
     * @param detail the body handler the application gave
     * @return the future to hand to the application: the same one, or one that retries once
     */
    @Override
    public Object answered(Object request, Object sender, Object answer, Object detail) {
        try {
            jdkTokenOutcomes.sent(request, answer);
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT + " token outcome", t);
        }
        return retry.wrap(sender, request, detail, answer);
    }

    @Override
    public boolean refusesRedirect(Object sentRequest) {
        try {
            // The token stays with the IMDS that issued it; real IMDS never redirects.
            ImdsRequest request = httpRequests.describe(sentRequest, endpoints);
            return request != null && request.carriesToken();
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT + " redirect", t);
            return false;
        }
    }
}
