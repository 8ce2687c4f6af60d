package io.imdsguard.agent.instrument.reactornetty;

import io.imdsguard.agent.instrument.ClientDescription;

/** Reactor Netty's HttpClient (and Spring's WebClient over it), sent through NIO channels. */
public final class ReactorNettyDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(ReactorNettyInstrumentation.CLIENT)
                    .watches(
                            "reactor.netty.http.client.HttpClientOperations",
                            "reactor.netty.http.client.HttpClientConnect$MonoHttpConnect",
                            "reactor.netty.http.client.HttpClientConnect$HttpClientHandler")
                    .libraryFrames("reactor.netty.", "reactor.core.", "io.netty.")
                    .writesThroughChannel("reactor.netty.", "io.netty.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.reactornetty.ReactorNettyInstrumentation")
                    .testedBy("io.imdsguard.it.clients.ReactorNettyIT")
                    .build();

    private ReactorNettyDescription() {}
}
