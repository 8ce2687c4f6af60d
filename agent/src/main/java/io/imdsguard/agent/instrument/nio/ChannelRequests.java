package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.instrument.ClientDescription;
import io.imdsguard.agent.instrument.Clients;
import io.imdsguard.agent.instrument.HookedRequests;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;

/**
 * The connection backstop for NIO socket channels. A channel is judged once, when it connects, by
 * its resolved remote address; a channel to anywhere but IMDS costs that comparison, and each of
 * its writes what {@link ImdsChannels#find} costs: one volatile read, and an identity comparison
 * per live channel to IMDS, without a lock.
 *
 * <p>On a channel to IMDS, every byte written is followed by the socket backstop's head reader (see
 * {@link ChannelHead}), however the application splits its writes. A head a client's hook judged is
 * left alone; any other v1 head reached IMDS without a hook seeing an IMDS URL (a redirect, an
 * alias name, or a client without a hook) and is counted, reported with its call site, and never
 * rewritten: a header cannot be added to bytes already in the caller's buffers. A head the reader
 * cannot read is counted as {@code unparsed} unless its hook counted it. Under enforce the write
 * that would complete such a request fails with an {@link IOException} and the connection is reset,
 * so that it never reaches IMDS as v1 and the application sees a failed call, as it would under
 * {@code HttpTokens=required} (where it would get {@code 401} instead).
 */
public final class ChannelRequests {

    public static final String CLIENT = "nio-channel";

    /** The reason for a v1 request seen only on an NIO channel, from a client without a hook. */
    public static final String CONNECTION_ONLY = ImdsRequest.BY_CONNECTION_ONLY;

    /**
     * Client libraries with hooks of their own that write through NIO channels. Apache
     * HttpAsyncClient 4 ({@code org.apache.http.}) has none: what it writes is seen only here.
     */
    private static final String[] INSTRUMENTED_CLIENTS =
            Clients.sendingFrames(ClientDescription.Transport.CHANNEL);

    /**
     * Code of a hooked client where a head naming IMDS that no hook judged cannot be a redirect
     * hop, so went around the hook. Jetty's hook ({@code HttpDestination.send}) judges every
     * redirect hop itself: such a head came on a connection the application opened ({@code
     * Destination.newConnection}). HttpClient 5's minimal async clients follow no redirects and are
     * not hooked.
     */
    private static final String[] AROUND_THE_HOOK = {
        "org.eclipse.jetty.client.",
        "org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient",
        "org.apache.hc.client5.http.impl.async.MinimalH2AsyncClient",
    };

    /**
     * Loaded with the backstop, not at the first channel to IMDS: the JIT inlines a call only once
     * the classes in its signature are loaded, and {@link ImdsChannels#find}, asked on every write
     * of every channel, returns one. Until then each write paid a real call.
     */
    @SuppressWarnings("unused")
    private static final Class<?> FOUND_ON_EVERY_WRITE = ChannelHead.class;

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final HookedRequests hooked;
    private final AgentLog log;
    private final ImdsChannels imdsChannels = new ImdsChannels();
    private final ChannelHead.Judge judge =
            new ChannelHead.Judge() {
                @Override
                public boolean refuseHead(
                        String method,
                        String path,
                        boolean carriesToken,
                        boolean relayed,
                        String host) {
                    return judgeHead(method, path, carriesToken, relayed, host);
                }

                @Override
                public boolean refuseUnparsed(
                        String method, String path, boolean requestLineRead, String reason) {
                    return judgeUnparsed(method, path, requestLineRead);
                }

                @Override
                public void failed(Throwable error) {
                    log.internalError(CLIENT, error);
                }
            };

    public ChannelRequests(
            ImdsEndpoints endpoints,
            RequestObserver observer,
            HookedRequests hooked,
            AgentLog log) {
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
            imdsChannels.add(channel, new ChannelHead(judge));
        }
    }

    /**
     * A channel is about to write {@code single}, or {@code sources[offset..offset+length)}.
     *
     * @return null to let the write go on (every write of a channel not to IMDS), an {@link
     *     IOException} for the write to throw, or a value to hand to {@link #written} once the
     *     write returns
     */
    public Object writing(
            Object channel, ByteBuffer single, ByteBuffer[] sources, int offset, int length) {
        ChannelHead head = imdsChannels.find(channel);
        if (head == null) {
            return null;
        }
        Object seen = head.offer(single, sources, offset, length);
        if (seen instanceof IOException) {
            abort(channel);
        }
        return seen;
    }

    /**
     * Resets the connection of a refused request. Earlier writes may have sent the start of its
     * head, and a server that reads a head ended by the end of its input as complete (the JDK's
     * HttpServer does) would answer it if the connection ended with a FIN; a reset ends it with an
     * error instead. The channel is refused for good anyway, as a socket the backstop refused is.
     */
    private static void abort(Object channel) {
        try {
            if (channel instanceof NetworkChannel) {
                ((NetworkChannel) channel).setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (Throwable alreadyClosed) {
            // Closed already, or an option it does not have: closing is all that is left.
        }
        try {
            if (channel instanceof Channel) {
                ((Channel) channel).close();
            }
        } catch (Throwable ignored) {
            // The write fails with the refusal all the same.
        }
    }

    /** The write that {@link #writing} returned {@code seen} for sent {@code sent} bytes. */
    public void written(Object seen, long sent) {
        if (seen instanceof ChannelHead) {
            ((ChannelHead) seen).sent(sent);
        }
    }

    private boolean judgeHead(
            String method, String path, boolean carriesToken, boolean relayed, String host) {
        if (AgentOwnRequests.active() || hooked.take(method, path) != null) {
            // Counted by the hook, which applied its decision to the request object already.
            return false;
        }
        ImdsRequest request = new ImdsRequest(CLIENT, method, path, carriesToken, relayed, null);
        if (RequestClassifier.classify(request) != ImdsVersion.V1) {
            return false;
        }
        String how;
        if (!CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS)) {
            how = CONNECTION_ONLY;
        } else if (!endpoints.hostHeaderNamesImds(host)) {
            how = ImdsRequest.BY_ALIAS;
        } else {
            how =
                    CallerFrames.currentThreadRuns(AROUND_THE_HOOK)
                            ? CONNECTION_ONLY
                            : ImdsRequest.BY_REDIRECT;
        }
        return observer.handle(request.reachedIndirectly(how)).action() == Action.BLOCKED;
    }

    private boolean judgeUnparsed(String method, String path, boolean requestLineRead) {
        if (AgentOwnRequests.active()) {
            return false;
        }
        HookedRequests.Verdict hook =
                hooked.verdictOnUnparsed(
                        method,
                        path,
                        requestLineRead,
                        CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS));
        if (hook != HookedRequests.Verdict.NOT_JUDGED) {
            return hook == HookedRequests.Verdict.JUDGED_ENFORCED;
        }
        return observer.handle(ImdsRequest.unparsed(CLIENT, method, path, null)).action()
                == Action.BLOCKED;
    }

    /** Channels to IMDS still reachable; for tests. */
    int imdsChannels() {
        return imdsChannels.size();
    }
}
