package io.imdsguard.agent.instrument.vertx;

import io.imdsguard.agent.instrument.ClientDescription;

/** Vert.x WebClient over Netty, sent through NIO channels. */
public final class VertxWebClientDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(VertxWebClientInstrumentation.CLIENT)
                    .watches("io.vertx.ext.web.client.impl.HttpContext")
                    .libraryFrames("io.vertx.", "io.netty.")
                    .writesThroughChannel("io.vertx.", "io.netty.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.vertx.VertxWebClientInstrumentation")
                    .testedBy("io.imdsguard.it.clients.VertxWebClientIT")
                    .build();

    private VertxWebClientDescription() {}
}
