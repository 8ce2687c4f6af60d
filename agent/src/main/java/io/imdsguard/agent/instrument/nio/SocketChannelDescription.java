package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.instrument.ClientDescription;

/** The connection backstop: what is written to an NIO socket channel connected to IMDS. */
public final class SocketChannelDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(ChannelRequests.CLIENT)
                    .watches("sun.nio.ch.SocketChannelImpl")
                    .libraryFrames()
                    .isBackstop()
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.nio.SocketChannelInstrumentation")
                    .testedBy("io.imdsguard.it.clients.ConnectionOnlyClientsIT")
                    .build();

    private SocketChannelDescription() {}
}
