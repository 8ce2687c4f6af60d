package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.instrument.ClientDescription;

/** The JDK's {@code java.net.http.HttpClient} (Java 11+), sent through NIO channels. */
public final class JdkHttpClientDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(JdkHttpRequests.CLIENT)
                    .watches(
                            "jdk.internal.net.http.HttpClientImpl",
                            "jdk.internal.net.http.RedirectFilter")
                    .libraryFrames()
                    .writesThroughChannel("jdk.internal.net.http.")
                    .instrumentedBy(
                            "io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpClientInstrumentation")
                    .testedBy("io.imdsguard.it.clients.JdkHttpClientIT")
                    .hooks("io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpClientHooks")
                    .build();

    private JdkHttpClientDescription() {}
}
