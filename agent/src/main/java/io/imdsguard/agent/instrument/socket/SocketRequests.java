package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.report.AgentLog;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Decides which socket streams to watch, and judges the request heads written to them. A head
 * written from inside a client that has its own instrumentation was judged there already and is
 * passed on untouched, so nothing is reported twice.
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
    private final Map<Socket, HttpHeadSniffer> watched = new WeakHashMap<Socket, HttpHeadSniffer>();

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
        final String origin = ImdsRequest.origin("http", address.getHostAddress(), socket.getPort());
        synchronized (watched) {
            HttpHeadSniffer sniffer = watched.get(socket);
            if (sniffer == null) {
                sniffer = new HttpHeadSniffer(out, new HttpHeadSniffer.HeadHandler() {
                    @Override
                    public String onHead(String method, String path, boolean carriesToken, boolean forwardedFor) {
                        return judge(method, path, carriesToken, forwardedFor, origin);
                    }

                    @Override
                    public void failed(Throwable error) {
                        log.internalError(CLIENT, error);
                    }
                });
                watched.put(socket, sniffer);
            }
            return sniffer;
        }
    }

    private String judge(String method, String path, boolean carriesToken, boolean forwardedFor, String origin) {
        if (CallerFrames.currentThreadRuns(INSTRUMENTED_CLIENTS)) {
            return null;
        }
        return observer.handle(new ImdsRequest(CLIENT, method, path, carriesToken, forwardedFor, origin))
                .tokenHeader();
    }
}
