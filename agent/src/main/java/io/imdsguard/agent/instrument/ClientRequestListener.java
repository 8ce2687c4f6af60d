package io.imdsguard.agent.instrument;

import io.imdsguard.agent.detect.CallOrigin;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.UrlParts;
import io.imdsguard.agent.instrument.nio.ChannelRequests;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import io.imdsguard.agent.rewrite.TokenProvider;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.ImdsRequestListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives every instrumented client's requests from the bootstrap bridge, keeps the IMDS ones and
 * has the observer decide. Library advice applies a decision itself; a JDK client's decisions are
 * applied by the {@link ClientHooks} of its folder, to which the generic verbs are handed on. Any
 * failure in here is logged once and the request proceeds unchanged.
 */
public final class ClientRequestListener implements ImdsRequestListener {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final LazyTokenProvider tokens;
    private final AgentLog log;
    private final HookedRequests hooked = new HookedRequests();
    private final CarriedCallOrigins origins = new CarriedCallOrigins();

    /** By client name, for the clients whose description names hooks. */
    private final Map<String, ClientHooks> hooks = new HashMap<String, ClientHooks>();

    private final ChannelRequests channels;

    private ClientRequestListener(ClientSetup setup, List<ClientDescription> clients)
            throws Exception {
        this.endpoints = setup.endpoints;
        this.observer = setup.observer;
        this.tokens = setup.tokens;
        this.log = setup.log;
        ClientContext context = new ClientContext(setup, hooked);
        for (ClientDescription client : clients) {
            ClientHooks made = client.hooks(context);
            if (made != null) {
                hooks.put(client.name(), made);
            }
        }
        this.channels = new ChannelRequests(endpoints, observer, hooked, log);
    }

    /**
     * Makes the listener and hands it to the bridge; only once the bridge is in the bootstrap
     * loader.
     */
    static void connect(ClientSetup setup, List<ClientDescription> clients) throws Exception {
        ImdsBridge.install(new ClientRequestListener(setup, clients));
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
    public String beforeRequest(
            String client,
            String method,
            String url,
            boolean carriesToken,
            boolean forwardedFor,
            Object clientRoute,
            Object callSiteKey) {
        if (AgentOwnRequests.active()) {
            return null;
        }
        try {
            UrlParts parts = UrlParts.parse(url);
            if (parts == null || !endpoints.isImds(parts.host(), parts.port())) {
                return null;
            }
            ImdsRequest request =
                    new ImdsRequest(
                                    client,
                                    method,
                                    parts.path(),
                                    carriesToken,
                                    forwardedFor,
                                    parts.origin())
                            .routedBy(clientRoute);
            if (FollowingRedirects.onThisThread()) {
                // A hook that knows its client is following a redirect said so (Jetty's): never
                // rewritten.
                request = request.reachedIndirectly(ImdsRequest.BY_REDIRECT);
            }
            CallOrigin origin = callSiteKey != null ? origins.get(callSiteKey) : null;
            Decision decision = observer.handle(request, origin);
            hooked.expect(
                    method == null ? "GET" : method,
                    parts.path(),
                    decision.action() == Action.BLOCKED);
            return decision.tokenHeader();
        } catch (Throwable t) {
            log.internalError(client, t);
            return null;
        }
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
    public void followingRedirect(boolean entering) {
        FollowingRedirects.following(entering);
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
    public Object sending(String client, Object request, Object route) {
        ClientHooks hook = hooks.get(client);
        return hook != null ? hook.sending(request, route) : null;
    }

    @Override
    public Object answered(
            String client, Object request, Object sender, Object answer, Object detail) {
        ClientHooks hook = hooks.get(client);
        return hook != null ? hook.answered(request, sender, answer, detail) : null;
    }

    @Override
    public boolean refusesRedirect(String client, Object sentRequest) {
        ClientHooks hook = hooks.get(client);
        return hook != null && hook.refusesRedirect(sentRequest);
    }

    @Override
    public void escaped(String verb, Throwable error) {
        log.internalError("bridge " + verb, error);
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
    public Object channelWrite(
            Object channel,
            java.nio.ByteBuffer single,
            java.nio.ByteBuffer[] sources,
            int offset,
            int length) {
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
