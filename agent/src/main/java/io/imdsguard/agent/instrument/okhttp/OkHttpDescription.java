package io.imdsguard.agent.instrument.okhttp;

import io.imdsguard.agent.instrument.ClientDescription;

/** OkHttp 3 and 4 (and Retrofit 2 over it), sent through a plain socket. */
public final class OkHttpDescription {

    public static final ClientDescription CLIENT =
            ClientDescription.client(OkHttpInstrumentation.CLIENT)
                    .watches(
                            "okhttp3.OkHttpClient",
                            "okhttp3.RealCall",
                            "okhttp3.internal.connection.RealCall",
                            "okhttp3.internal.http.RetryAndFollowUpInterceptor")
                    .libraryFrames("okhttp3.", "okio.", "retrofit2.")
                    .writesThroughSocket("okhttp3.")
                    .instrumentedBy("io.imdsguard.agent.instrument.okhttp.OkHttpInstrumentation")
                    .testedBy("io.imdsguard.it.clients.OkHttpIT")
                    .build();

    private OkHttpDescription() {}
}
