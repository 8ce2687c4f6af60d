package io.imdsguard.agent.instrument.apachehttpclient5;

import io.imdsguard.agent.instrument.ClientDescription;

/**
 * Apache HttpClient 5: its classic client through a plain socket, its async client through NIO
 * channels.
 */
public final class ApacheHttpClient5Description {

    public static final ClientDescription CLASSIC =
            ClientDescription.client(ApacheHttpClient5Instrumentation.CLIENT)
                    .watches(
                            "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
                            "org.apache.hc.client5.http.impl.classic.MinimalHttpClient",
                            "org.apache.hc.client5.http.impl.DefaultRedirectStrategy")
                    .libraryFrames("org.apache.hc.")
                    .writesThroughSocket("org.apache.hc.client5.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.apachehttpclient5.ApacheHttpClient5Instrumentation")
                    .testedBy("io.imdsguard.it.clients.ApacheHttpClient5IT")
                    .build();

    public static final ClientDescription ASYNC =
            ClientDescription.client(ApacheHttpAsyncClient5Instrumentation.CLIENT)
                    .watches(
                            "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient",
                            "org.apache.hc.client5.http.impl.async.AsyncProtocolExec")
                    .libraryFrames("org.apache.hc.")
                    .writesThroughChannel("org.apache.hc.client5.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.apachehttpclient5.ApacheHttpAsyncClient5Instrumentation")
                    .testedBy("io.imdsguard.it.clients.ApacheHttpClient5IT")
                    .build();

    private ApacheHttpClient5Description() {}
}
