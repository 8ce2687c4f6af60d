package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.instrument.ImdsClientCalls;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.report.AgentLog;

import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Decides which socket streams to watch, and judges the request heads written to them. The stream
 * of a socket that a client with its own instrumentation opens is not watched, and a head written
 * from inside such a client is passed on untouched: that instrumentation judged it already, so
 * nothing is reported twice.
 */
public final class SocketRequests {

    public static final String CLIENT = "socket";

    /** Clients whose own instrumentation sees their requests, and that write through java.net.Socket. */
    private static final String[] INSTRUMENTED_CLIENTS = {
        "sun.net.www.", "org.apache.http.", "org.apache.hc.client5.", "okhttp3.", "io.imdsguard.agent.rewrite.",
    };

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final AgentLog log;
    /**
     * One sniffer per socket, so that a head written through two streams of one socket is followed as one.
     * The sniffer is held weakly as well: it wraps the socket's stream, which holds the socket, so a strong
     * value would keep every IMDS socket, and its sniffer, alive for the life of the JVM.
     */
    private final Map<Socket, WeakReference<HttpHeadSniffer>> watched =
            new WeakHashMap<Socket, WeakReference<HttpHeadSniffer>>();

    public SocketRequests(ImdsEndpoints endpoints, RequestObserver observer, AgentLog log) {
        this.endpoints = endpoints;
        this.observer = observer;
        this.log = log;
    }

    /** The stream to hand out: {@code out} itself unless the socket is connected to IMDS. */
    public OutputStream watch(Socket socket, OutputStream out) {
        InetAddress address = socket.getInetAddress();
        if (address == null || !endpoints.isImds(address.getHostAddress(), socket.getPort())) {
            return out;
        }
        synchronized (watched) {
            HttpHeadSniffer sniffer = sniffing(socket);
            if (sniffer != null) {
                return sniffer;
            }
        }
        // An instrumented client asks for its socket's stream while it opens the connection: its own
        // instrumentation judges what it writes, so the stream is left unwrapped. One walk per socket,
        // instead of a buffered, parsed head and a walk per request.
        if (insideInstrumentedClient()) {
            return out;
        }
        final String origin = ImdsRequest.origin("http", address.getHostAddress(), socket.getPort());
        synchronized (watched) {
            HttpHeadSniffer sniffer = sniffing(socket);
            if (sniffer == null) {
                sniffer = new HttpHeadSniffer(out, new HttpHeadSniffer.HeadHandler() {
                    @Override
                    public String onHead(String method, String path, boolean carriesToken, boolean relayed) {
                        return judge(method, path, carriesToken, relayed, origin);
                    }

                    @Override
                    public boolean onUnparsed(String method, String path, String reason) {
                        return judgeUnparsed(method, path, origin);
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

    /**
     * Whether an instrumented client is sending on this thread: known without a walk when its advice
     * counted the call in, else found by walking the stack as far as the first such client's frame.
     */
    private static boolean insideInstrumentedClient() {
        return ImdsClientCalls.inside() || CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS);
    }

    private String judge(String method, String path, boolean carriesToken, boolean relayed, String origin) {
        // Checked again per request: a stream taken by application code could be handed to a client.
        if (insideInstrumentedClient()) {
            return null;
        }
        return observer.handle(new ImdsRequest(CLIENT, method, path, carriesToken, relayed, origin))
                .tokenHeader();
    }

    /** @return true when the request must not reach IMDS: the sniffer then fails the write */
    private boolean judgeUnparsed(String method, String path, String origin) {
        if (insideInstrumentedClient()) {
            return false;
        }
        return observer.handle(ImdsRequest.unparsed(CLIENT, method, path, origin)).action() == Action.BLOCKED;
    }
}
