package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.instrument.ClientDescription;
import io.imdsguard.agent.instrument.Clients;
import io.imdsguard.agent.instrument.HookedRequests;
import io.imdsguard.agent.instrument.ImdsClientCalls;
import io.imdsguard.agent.instrument.wire.HttpHeadSniffer;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.EnforcePolicy;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The connection backstop for blocking sockets: every {@code java.net.Socket} whose resolved remote
 * address is IMDS (the well-known addresses, or a configured endpoint's resolved address and port)
 * has its request heads read, whatever name, redirect, proxy setting or client led there. Sockets
 * to anywhere else cost one address comparison when their stream is taken, and nothing per byte.
 *
 * <p>No request is counted twice: a head that a client's own instrumentation judged (it left an
 * entry in {@link HookedRequests}) is only verified on the wire, where an enforce refusal the hook
 * could not apply (HttpURLConnection mid-redirect) is applied. A v1 head that an instrumented
 * client wrote without its hook seeing an IMDS URL reached IMDS by a redirect or by a name that
 * resolves there: it is judged here, and never given the agent's token. A head from code no
 * instrumentation covers (a hand-written client) is judged as before.
 */
public final class SocketRequests {

    public static final String CLIENT = "socket";

    /**
     * Clients whose own instrumentation sees their requests, and that write through
     * java.net.Socket; and the agent's own token fetches.
     */
    private static final String[] INSTRUMENTED_CLIENTS =
            withAgentOwn(Clients.sendingFrames(ClientDescription.Transport.SOCKET));

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final AgentLog log;
    private final HookedRequests hooked;

    /**
     * One sniffer per socket, so that a head written through two streams of one socket is followed
     * as one. The sniffer is held weakly as well: it wraps the socket's stream, which holds the
     * socket, so a strong value would keep every IMDS socket, and its sniffer, alive for the life
     * of the JVM.
     */
    private final Map<Socket, WeakReference<HttpHeadSniffer>> watched =
            new WeakHashMap<Socket, WeakReference<HttpHeadSniffer>>();

    public SocketRequests(ImdsEndpoints endpoints, RequestObserver observer, AgentLog log) {
        this(endpoints, observer, new HookedRequests(), log);
    }

    /**
     * @param hooked what the clients' own hooks judged, shared with the connection backstop
     */
    public SocketRequests(
            ImdsEndpoints endpoints,
            RequestObserver observer,
            HookedRequests hooked,
            AgentLog log) {
        this.hooked = hooked;
        this.endpoints = endpoints;
        this.observer = observer;
        this.log = log;
    }

    /** The hooks of clients that write through java.net.Socket tell here what they judged. */
    public HookedRequests hooked() {
        return hooked;
    }

    /** The stream to hand out: {@code out} itself unless the socket is connected to IMDS. */
    public OutputStream watch(Socket socket, OutputStream out) {
        InetAddress address = socket.getInetAddress();
        if (address == null || !endpoints.isImdsAddress(address, socket.getPort())) {
            return out;
        }
        final String origin =
                ImdsRequest.origin("http", address.getHostAddress(), socket.getPort());
        synchronized (watched) {
            HttpHeadSniffer sniffer = sniffing(socket);
            if (sniffer == null) {
                sniffer =
                        new HttpHeadSniffer(
                                out,
                                new HttpHeadSniffer.HeadHandler() {
                                    @Override
                                    public String onHead(
                                            String method,
                                            String path,
                                            boolean carriesToken,
                                            boolean relayed) {
                                        return judge(
                                                method, path, carriesToken, relayed, null, origin);
                                    }

                                    @Override
                                    public String onHead(
                                            String method,
                                            String path,
                                            boolean carriesToken,
                                            boolean relayed,
                                            String host) {
                                        return judge(
                                                method, path, carriesToken, relayed, host, origin);
                                    }

                                    @Override
                                    public boolean onUnparsed(
                                            String method,
                                            String path,
                                            boolean requestLineRead,
                                            String reason) {
                                        return judgeUnparsed(method, path, requestLineRead, origin);
                                    }

                                    @Override
                                    public void failed(Throwable error) {
                                        log.internalError(CLIENT, error);
                                    }
                                });
                watched.put(socket, new WeakReference<HttpHeadSniffer>(sniffer));
            }
            return sniffer;
        }
    }

    /** The socket's sniffer while it is reachable; the caller holds the lock on {@code watched}. */
    private HttpHeadSniffer sniffing(Socket socket) {
        WeakReference<HttpHeadSniffer> known = watched.get(socket);
        return known == null ? null : known.get();
    }

    /** Sockets whose sniffer is still reachable; for tests. */
    int watchedSockets() {
        synchronized (watched) {
            return watched.size();
        }
    }

    private static String[] withAgentOwn(String[] clients) {
        String[] all = Arrays.copyOf(clients, clients.length + 1);
        all[clients.length] = "io.imdsguard.agent.rewrite.";
        return all;
    }

    /**
     * Whether an instrumented client is sending on this thread: known without a walk when its
     * advice counted the call in, else found by walking the stack as far as the first such client's
     * frame.
     */
    private static boolean insideInstrumentedClient() {
        return ImdsClientCalls.inside() || CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS);
    }

    /**
     * @param host the head's Host header, null when it has none
     * @return the token header to add on the wire, or null to send the head as it is
     */
    private String judge(
            String method,
            String path,
            boolean carriesToken,
            boolean relayed,
            String host,
            String origin) {
        if (AgentOwnRequests.active()) {
            return null;
        }
        HookedRequests.Expected expected = hooked.take(method, path);
        if (expected != null) {
            // Counted by the hook; the wire only makes sure an enforce refusal really leaves.
            return expected.enforced() && !carriesToken ? EnforcePolicy.INVALID_TOKEN : null;
        }
        ImdsRequest request = new ImdsRequest(CLIENT, method, path, carriesToken, relayed, origin);
        if (insideInstrumentedClient()) {
            if (RequestClassifier.classify(request) != ImdsVersion.V1) {
                // A client's own resend, or a v2 request led here indirectly: no token of the
                // agent's
                // is at stake, and counting it here could count it twice.
                return null;
            }
            request =
                    request.reachedIndirectly(
                            endpoints.hostHeaderNamesImds(host)
                                    ? ImdsRequest.BY_REDIRECT
                                    : ImdsRequest.BY_ALIAS);
        }
        return observer.handle(request).tokenHeader();
    }

    /**
     * @return true when the request must not reach IMDS: the sniffer then fails the write
     */
    private boolean judgeUnparsed(
            String method, String path, boolean requestLineRead, String origin) {
        if (AgentOwnRequests.active()) {
            return false;
        }
        HookedRequests.Verdict hook =
                hooked.verdictOnUnparsed(method, path, requestLineRead, insideInstrumentedClient());
        if (hook != HookedRequests.Verdict.NOT_JUDGED) {
            // Counted by its hook; a request the hook refused under enforce does not reach IMDS
            // either.
            return hook == HookedRequests.Verdict.JUDGED_ENFORCED;
        }
        return observer.handle(ImdsRequest.unparsed(CLIENT, method, path, origin)).action()
                == Action.BLOCKED;
    }
}
