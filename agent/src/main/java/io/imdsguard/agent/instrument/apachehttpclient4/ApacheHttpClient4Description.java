package io.imdsguard.agent.instrument.apachehttpclient4;

import io.imdsguard.agent.instrument.ClientDescription;

/** Apache HttpClient 4 (classic), sent through a plain socket. */
public final class ApacheHttpClient4Description {

    public static final ClientDescription CLIENT =
            ClientDescription.client(ApacheHttpClient4Instrumentation.CLIENT)
                    .watches(
                            "org.apache.http.impl.client.InternalHttpClient",
                            "org.apache.http.impl.client.MinimalHttpClient",
                            "org.apache.http.impl.client.AbstractHttpClient",
                            "org.apache.http.impl.client.DefaultRedirectStrategy")
                    .libraryFrames("org.apache.http.")
                    .writesThroughSocket("org.apache.http.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.apachehttpclient4.ApacheHttpClient4Instrumentation")
                    .testedBy("io.imdsguard.it.clients.ApacheHttpClient4IT")
                    .build();

    private ApacheHttpClient4Description() {}
}
