package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.instrument.socket.HookedRequests;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.agent.rewrite.AgentOwnRequests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The connection backstop for NIO socket channels. A channel is judged once, when it connects, by
 * its resolved remote address; a channel to anywhere but IMDS costs that comparison, and each of its
 * writes one test of a flag that stays false until some channel connects to IMDS, then one lookup.
 *
 * <p>On a channel to IMDS, a write that starts a request head is read (without consuming it): a head
 * a client's hook judged is left alone; any other v1 head reached IMDS without a hook seeing an IMDS
 * URL (a redirect, an alias name, or a client without a hook) and is counted, reported with its call
 * site, and never rewritten: a header cannot be added to bytes already in the caller's buffers.
 * Under enforce the write fails with an {@link IOException}, so that the v1 request never reaches
 * IMDS and the application sees a failed call, as it would under {@code HttpTokens=required}
 * (where it would get {@code 401} instead).
 */
public final class ChannelRequests {

    public static final String CLIENT = "nio-channel";
    /** The reason for a v1 request seen only on an NIO channel, from a client without a hook. */
    public static final String CONNECTION_ONLY = ImdsRequest.BY_CONNECTION_ONLY;

    static final int MAX_HEAD = 16 * 1024;

    /**
     * Client libraries with hooks of their own that write through NIO channels. Apache HttpAsyncClient 4
     * ({@code org.apache.http.}) has none: what it writes is seen only here.
     */
    private static final String[] INSTRUMENTED_CLIENTS = {
        "jdk.internal.net.http.", "io.netty.", "org.asynchttpclient.", "io.vertx.", "reactor.netty.",
        "org.eclipse.jetty.client.", "org.apache.hc.client5.",
    };
    /**
     * Code of a hooked client where a head naming IMDS that no hook judged cannot be a redirect hop, so
     * went around the hook. Jetty's hook ({@code HttpDestination.send}) judges every redirect hop
     * itself: such a head came on a connection the application opened ({@code Destination.newConnection}).
     * HttpClient 5's minimal async clients follow no redirects and are not hooked.
     */
    private static final String[] AROUND_THE_HOOK = {
        "org.eclipse.jetty.client.", "org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient",
        "org.apache.hc.client5.http.impl.async.MinimalH2AsyncClient",
    };

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final HookedRequests hooked;
    private final AgentLog log;
    private final Map<Object, Boolean> imdsChannels = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());
    /** False until a channel connects to IMDS: until then a write costs one volatile read. */
    private volatile boolean anyImdsChannel;

    public ChannelRequests(ImdsEndpoints endpoints, RequestObserver observer, HookedRequests hooked, AgentLog log) {
        this.endpoints = endpoints;
        this.observer = observer;
        this.hooked = hooked;
        this.log = log;
    }

    /** A channel is connecting to {@code remote}: remembered when that is IMDS. */
    public void connecting(Object channel, SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress)) {
            return;
        }
        InetSocketAddress address = (InetSocketAddress) remote;
        if (endpoints.isImdsAddress(address.getAddress(), address.getPort())) {
            imdsChannels.put(channel, Boolean.TRUE);
            anyImdsChannel = true;
        }
    }

    /** @return the refusal to throw from the write, or null to let it go on */
    public IOException writing(Object channel, ByteBuffer single, ByteBuffer[] sources, int offset, int length) {
        if (!anyImdsChannel || !imdsChannels.containsKey(channel) || AgentOwnRequests.active()) {
            return null;
        }
        String head = RequestHead.read(single, sources, offset, length, MAX_HEAD);
        if (head == null) {
            return null;
        }
        RequestHead parsed = RequestHead.parse(head);
        if (parsed == null) {
            return null;
        }
        if (hooked.take(parsed.method, parsed.path) != null) {
            // Counted by the hook, which applied its decision to the request object already.
            return null;
        }
        ImdsRequest request = new ImdsRequest(CLIENT, parsed.method, parsed.path, parsed.carriesToken,
                parsed.relayed, null);
        if (RequestClassifier.classify(request) != ImdsVersion.V1) {
            return null;
        }
        String how;
        if (!CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS)) {
            how = CONNECTION_ONLY;
        } else if (!parsed.hostNamesImds(endpoints)) {
            how = ImdsRequest.BY_ALIAS;
        } else {
            how = CallerFrames.currentThreadRuns(AROUND_THE_HOOK) ? CONNECTION_ONLY : ImdsRequest.BY_REDIRECT;
        }
        Decision decision = observer.handle(request.reachedIndirectly(how));
        if (decision.action() == Action.BLOCKED) {
            return new IOException("imds-guard: IMDSv1 request refused on the connection to IMDS (mode=enforce,"
                    + " as HttpTokens=required would refuse it)");
        }
        return null;
    }

    /** Channels to IMDS still reachable; for tests. */
    int imdsChannels() {
        return imdsChannels.size();
    }

    AgentLog log() {
        return log;
    }
}
