package io.imdsguard.agent.instrument.asynchttpclient;

import io.imdsguard.agent.instrument.ClientDescription;

/** AsyncHttpClient (org.asynchttpclient) over Netty, sent through NIO channels. */
public final class AsyncHttpClientDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(AsyncHttpClientInstrumentation.CLIENT)
                    .watches(
                            "org.asynchttpclient.DefaultAsyncHttpClient",
                            "org.asynchttpclient.netty.handler.HttpHandler",
                            "org.asynchttpclient.netty.handler.intercept.Redirect30xInterceptor")
                    .libraryFrames("org.asynchttpclient.", "io.netty.")
                    .writesThroughChannel("org.asynchttpclient.", "io.netty.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.asynchttpclient.AsyncHttpClientInstrumentation")
                    .testedBy("io.imdsguard.it.clients.AsyncHttpClientIT")
                    .build();

    private AsyncHttpClientDescription() {}
}
