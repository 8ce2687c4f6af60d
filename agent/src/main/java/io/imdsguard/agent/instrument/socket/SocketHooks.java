package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.instrument.ClientContext;
import io.imdsguard.agent.instrument.ClientHooks;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.rewrite.AgentOwnRequests;
import java.io.OutputStream;
import java.net.Socket;

/** The catch-all's hook: the output stream of a socket connected to IMDS is handed out watched. */
public final class SocketHooks implements ClientHooks {

    private final SocketRequests sockets;
    private final AgentLog log;

    public SocketHooks(ClientContext context) {
        this.sockets =
                new SocketRequests(
                        context.endpoints(), context.observer(), context.hooked(), context.log());
        this.log = context.log();
    }

    /**
     * @param request the stream {@code Socket.getOutputStream()} returns
     * @param route the socket
     * @return a stream that reads the HTTP request heads written to an IMDS socket, or null for any
     *     other
     */
    @Override
    public Object sending(Object request, Object route) {
        if (AgentOwnRequests.active()) {
            return null;
        }
        try {
            return sockets.watch((Socket) route, (OutputStream) request);
        } catch (Throwable t) {
            log.internalError(SocketRequests.CLIENT, t);
            return null;
        }
    }

    @Override
    public Object answered(Object request, Object sender, Object answer, Object detail) {
        return null;
    }

    @Override
    public boolean refusesRedirect(Object sentRequest) {
        return false;
    }
}
