package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.agent.instrument.ClientDescription;

/**
 * Eclipse Jetty's HttpClient, in its two generations (see {@link JettyInstrumentation}), sent
 * through NIO channels.
 */
public final class JettyDescription {

    public static final ClientDescription JETTY_9_TO_11 =
            ClientDescription.client(JettyInstrumentation.CLIENT)
                    .watches(
                            "org.eclipse.jetty.client.HttpDestination",
                            "org.eclipse.jetty.client.HttpResponse",
                            "org.eclipse.jetty.client.RedirectProtocolHandler")
                    .libraryFrames("org.eclipse.jetty.")
                    .writesThroughChannel("org.eclipse.jetty.client.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.jetty.JettyInstrumentation",
                            "jetty9to11")
                    .testedBy("io.imdsguard.it.clients.JettyHttpClientIT")
                    .build();

    public static final ClientDescription JETTY_12 =
            ClientDescription.client(JettyInstrumentation.CLIENT)
                    .watches(
                            "org.eclipse.jetty.client.transport.HttpDestination",
                            "org.eclipse.jetty.client.transport.HttpResponse")
                    .libraryFrames("org.eclipse.jetty.")
                    .writesThroughChannel("org.eclipse.jetty.client.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.jetty.JettyInstrumentation", "jetty12")
                    .testedBy("io.imdsguard.it.clients.JettyHttpClientIT")
                    .build();

    private JettyDescription() {}
}
