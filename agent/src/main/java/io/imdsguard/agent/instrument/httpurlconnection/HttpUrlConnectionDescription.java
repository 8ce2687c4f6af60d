package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.agent.instrument.ClientDescription;

/**
 * The JDK's {@code HttpURLConnection} (and so {@code URL.openStream}), sent through a plain socket.
 */
public final class HttpUrlConnectionDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(HttpUrlConnectionRequests.CLIENT)
                    .watches("sun.net.www.protocol.http.HttpURLConnection")
                    .libraryFrames()
                    .writesThroughSocket("sun.net.www.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionInstrumentation")
                    .testedBy("io.imdsguard.it.clients.HttpUrlConnectionIT")
                    .hooks("io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionHooks")
                    .build();

    private HttpUrlConnectionDescription() {}
}
