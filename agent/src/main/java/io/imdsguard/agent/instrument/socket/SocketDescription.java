package io.imdsguard.agent.instrument.socket;

import io.imdsguard.agent.instrument.ClientDescription;

/** The catch-all: request heads written to a plain {@code java.net.Socket} connected to IMDS. */
public final class SocketDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(SocketRequests.CLIENT)
                    .watches("java.net.Socket")
                    .libraryFrames()
                    .isBackstop()
                    .instrumentedBy("io.imdsguard.agent.instrument.socket.SocketInstrumentation")
                    .testedBy("io.imdsguard.it.clients.SocketCatchAllIT")
                    .hooks("io.imdsguard.agent.instrument.socket.SocketHooks")
                    .build();

    private SocketDescription() {}
}
