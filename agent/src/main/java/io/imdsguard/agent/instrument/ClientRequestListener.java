package io.imdsguard.agent.instrument;

import io.imdsguard.agent.detect.CallOrigin;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.diagnose.TokenFailure;
import io.imdsguard.agent.detect.UrlParts;
import io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionRequests;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpRetry;
import io.imdsguard.agent.instrument.nio.ChannelRequests;
import io.imdsguard.agent.instrument.socket.SocketRequests;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpRequests;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkTokenOutcomes;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import io.imdsguard.agent.rewrite.TokenProvider;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.ImdsRequestListener;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;

/**
 * Receives every instrumented client's requests from the bootstrap bridge, keeps the IMDS ones,
 * has the observer decide, and applies the decision to the JDK clients' requests (library advice
 * applies it itself). Any failure in here is logged once and the request proceeds unchanged.
 */
public final class ClientRequestListener implements ImdsRequestListener {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final LazyTokenProvider tokens;
    private final AgentLog log;
    private final JdkHttpRequests httpRequests = new JdkHttpRequests();
    private final JdkHttpRetry retry;
    private final SocketRequests sockets;
    private final ChannelRequests channels;
    private final CarriedCallOrigins origins = new CarriedCallOrigins();
    private final Diagnoses diagnoses;
    private final JdkTokenOutcomes jdkTokenOutcomes = new JdkTokenOutcomes(httpRequests);

    /**
     * @param setup its tokens are made when rewrite mode first needs one (the mode can change at run
     *              time); its diagnoses are told how the application's token PUTs failed, null for none
     */
    private ClientRequestListener(ClientSetup setup) {
        this.diagnoses = setup.diagnoses;
        this.endpoints = setup.endpoints;
        this.observer = setup.observer;
        this.tokens = setup.tokens;
        this.log = setup.log;
        this.retry = new JdkHttpRetry(httpRequests, tokens, log);
        this.sockets = new SocketRequests(endpoints, observer, log);
        this.channels = new ChannelRequests(endpoints, observer, sockets.hooked(), log);
    }

    /** Makes the listener and hands it to the bridge; only once the bridge is in the bootstrap loader. */
    static void connect(ClientSetup setup) {
        ImdsBridge.install(new ClientRequestListener(setup));
    }

    @Override
    public boolean beforeConnect(HttpURLConnection connection, java.net.Proxy clientProxy) {
        if (AgentOwnRequests.active()) {
            return false;
        }
        boolean entered = false;
        try {
            // Non-IMDS requests, nearly all of them, leave right here: no per-request state for them.
            if (!HttpUrlConnectionRequests.targetsImds(connection, endpoints)) {
                return false;
            }
            ImdsClientCalls.enter();
            entered = true;
            // The nested entries of a request (getInputStream calls connect) leave before it is described.
            if (HttpUrlConnectionRequests.firstEntry(connection)) {
                ImdsRequest request = HttpUrlConnectionRequests.describeImds(connection).routedBy(clientProxy);
                boolean redirectHop = HttpUrlConnectionRequests.followingRedirect();
                if (redirectHop) {
                    request = request.reachedIndirectly(ImdsRequest.BY_REDIRECT);
                }
                Decision decision = observer.handle(request);
                sockets.hooked().expect(request.method(), request.path(), decision.action() == Action.BLOCKED);
                if (decision.tokenHeader() != null && !redirectHop) {
                    // Mid-redirect the headers are fixed: the enforce refusal is then applied on the wire.
                    connection.setRequestProperty(ImdsRequest.TOKEN_HEADER, decision.tokenHeader());
                    if (decision.action() == Action.REWRITTEN) {
                        // The agent's token must not follow a redirect to wherever the answer points.
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

    @Override
    public void followingRedirect(boolean entering) {
        HttpUrlConnectionRequests.followingRedirect(entering);
    }

    @Override
    public void enteredImdsCall() {
        ImdsClientCalls.enter();
    }

    @Override
    public void leftImdsCall() {
        ImdsClientCalls.leave();
    }

    @Override
    public void unauthorized(HttpURLConnection connection) {
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
                // Only the agent's own token is dropped; an application token is the application's business.
                tokens.rejected(ImdsRequest.origin(url.getProtocol(), url.getHost(), port), sent);
            }
        } catch (Throwable t) {
            log.internalError(HttpUrlConnectionRequests.CLIENT + " 401", t);
        }
    }

    @Override
    public Object beforeSend(Object httpClient, Object httpRequest) {
        if (AgentOwnRequests.active() || JdkHttpRetry.retrying()) {
            return httpRequest;
        }
        try {
            ImdsRequest request = httpRequests.describe(httpRequest, endpoints);
            if (request == null) {
                return httpRequest;
            }
            request = request.routedBy(httpRequests.proxySelector(httpClient));
            Decision decision = observer.handle(request);
            // The connection backstop sees the request again on the wire: it must not count it twice.
            sockets.hooked().expect(request.method(), request.path(), decision.action() == Action.BLOCKED);
            if (decision.version() == ImdsVersion.TOKEN && diagnoses != null) {
                jdkTokenOutcomes.sending(httpRequest, diagnoses.currentAttempt());
            }
            if (decision.tokenHeader() == null) {
                return httpRequest;
            }
            Object changed = httpRequests.withHeader(httpRequest, ImdsRequest.TOKEN_HEADER, decision.tokenHeader());
            if (decision.action() == Action.REWRITTEN) {
                retry.expect(changed, request.origin(), decision.tokenHeader());
            }
            return changed;
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT, t);
            return httpRequest;
        }
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

    @Override
    public boolean isImds(String scheme, String host, int port) {
        try {
            // A scheme this agent does not follow is never IMDS, as beforeRequest would find too.
            int effectivePort = port >= 0 ? port : UrlParts.defaultPort(scheme);
            return effectivePort >= 0 && endpoints.isImds(host, effectivePort);
        } catch (Throwable t) {
            log.internalError("isImds", t);
            return false;
        }
    }

    @Override
    public String beforeRequest(String client, String method, String url, boolean carriesToken,
                                boolean forwardedFor) {
        return decide(null, client, method, url, carriesToken, forwardedFor, null);
    }

    @Override
    public String beforeRoutedRequest(String client, String method, String url, boolean carriesToken,
                                      boolean forwardedFor, Object clientRoute) {
        return decide(null, client, method, url, carriesToken, forwardedFor, clientRoute);
    }

    private String decide(CallOrigin origin, String client, String method, String url, boolean carriesToken,
                          boolean forwardedFor, Object clientRoute) {
        if (AgentOwnRequests.active()) {
            return null;
        }
        try {
            UrlParts parts = UrlParts.parse(url);
            if (parts == null || !endpoints.isImds(parts.host(), parts.port())) {
                return null;
            }
            ImdsRequest request = new ImdsRequest(client, method, parts.path(), carriesToken, forwardedFor,
                    parts.origin()).routedBy(clientRoute);
            if (HttpUrlConnectionRequests.followingRedirect()) {
                // A hook that knows its client is following a redirect said so (Jetty's): never rewritten.
                request = request.reachedIndirectly(ImdsRequest.BY_REDIRECT);
            }
            Decision decision = observer.handle(request, origin);
            sockets.hooked().expect(method == null ? "GET" : method, parts.path(),
                    decision.action() == Action.BLOCKED);
            return decision.tokenHeader();
        } catch (Throwable t) {
            log.internalError(client, t);
            return null;
        }
    }

    @Override
    public void rememberCallSite(Object key, String url) {
        try {
            UrlParts parts = UrlParts.parse(url);
            if (parts != null && endpoints.isImds(parts.host(), parts.port())) {
                origins.remember(key, CallOrigin.here());
            }
        } catch (Throwable t) {
            log.internalError("call-site capture", t);
        }
    }

    @Override
    public void passCallSite(Object from, Object to) {
        origins.pass(from, to);
    }

    @Override
    public String beforeRequestFor(Object key, String client, String method, String url, boolean carriesToken,
                                   boolean forwardedFor) {
        return decide(origins.get(key), client, method, url, carriesToken, forwardedFor, null);
    }

    @Override
    public void unauthorized(String url, String sentToken) {
        TokenProvider tokens = this.tokens.existing();
        if (tokens == null) {
            return;
        }
        try {
            UrlParts parts = UrlParts.parse(url);
            if (parts != null && endpoints.isImds(parts.host(), parts.port())) {
                tokens.rejected(parts.origin(), sentToken);
            }
        } catch (Throwable t) {
            log.internalError("401 handling", t);
        }
    }

    @Override
    public OutputStream socketOutput(Socket socket, OutputStream out) {
        if (AgentOwnRequests.active()) {
            return out;
        }
        try {
            return sockets.watch(socket, out);
        } catch (Throwable t) {
            log.internalError(SocketRequests.CLIENT, t);
            return out;
        }
    }

    @Override
    public Object afterSend(Object httpClient, Object sentRequest, Object bodyHandler, Object responseFuture) {
        try {
            jdkTokenOutcomes.sent(sentRequest, responseFuture);
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT + " token outcome", t);
        }
        return retry.wrap(httpClient, sentRequest, bodyHandler, responseFuture);
    }

    @Override
    public void failed(HttpURLConnection connection, int responseCode, Throwable thrown) {
        if (diagnoses == null || AgentOwnRequests.active()) {
            return;
        }
        try {
            // Only the application's token PUTs matter here; any other failed request leaves at once.
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

    @Override
    public void channelConnecting(Object channel, java.net.SocketAddress remote) {
        try {
            channels.connecting(channel, remote);
        } catch (Throwable t) {
            log.internalError(ChannelRequests.CLIENT, t);
        }
    }

    @Override
    public Object channelWrite(Object channel, java.nio.ByteBuffer single,
                               java.nio.ByteBuffer[] sources, int offset, int length) {
        try {
            return channels.writing(channel, single, sources, offset, length);
        } catch (Throwable t) {
            log.internalError(ChannelRequests.CLIENT, t);
            return null;
        }
    }

    @Override
    public void channelWritten(Object seen, long sent) {
        try {
            channels.written(seen, sent);
        } catch (Throwable t) {
            log.internalError(ChannelRequests.CLIENT, t);
        }
    }
}
