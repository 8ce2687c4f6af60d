package io.imdsguard.agent.instrument;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every class any client instrumentation weaves, by name: what {@link DeferredInstrumentation}
 * watches for in premain. Listed here rather than gathered from the instrumentations, because
 * loading those loads Byte Buddy's types with them, which is the start-up cost the deferral saves.
 * {@code InstrumentationsTest} checks that this list is exactly the instrumentations' own.
 */
final class ClientTypes {

    static final List<String> ALL = Collections.unmodifiableList(Arrays.asList(
            "sun.net.www.protocol.http.HttpURLConnection",
            "jdk.internal.net.http.HttpClientImpl",
            "jdk.internal.net.http.RedirectFilter",
            "org.apache.http.impl.client.InternalHttpClient",
            "org.apache.http.impl.client.MinimalHttpClient",
            "org.apache.http.impl.client.AbstractHttpClient",
            "org.apache.http.impl.client.DefaultRedirectStrategy",
            "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
            "org.apache.hc.client5.http.impl.classic.MinimalHttpClient",
            "org.apache.hc.client5.http.impl.DefaultRedirectStrategy",
            "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient",
            "org.apache.hc.client5.http.impl.async.AsyncProtocolExec",
            "okhttp3.OkHttpClient",
            "okhttp3.RealCall",
            "okhttp3.internal.connection.RealCall",
            "okhttp3.internal.http.RetryAndFollowUpInterceptor",
            "org.asynchttpclient.DefaultAsyncHttpClient",
            "org.asynchttpclient.netty.handler.HttpHandler",
            "org.asynchttpclient.netty.handler.intercept.Redirect30xInterceptor",
            "io.vertx.ext.web.client.impl.HttpContext",
            "reactor.netty.http.client.HttpClientOperations",
            "reactor.netty.http.client.HttpClientConnect$MonoHttpConnect",
            "reactor.netty.http.client.HttpClientConnect$HttpClientHandler",
            "org.eclipse.jetty.client.HttpDestination",
            "org.eclipse.jetty.client.HttpResponse",
            "org.eclipse.jetty.client.RedirectProtocolHandler",
            "org.eclipse.jetty.client.transport.HttpDestination",
            "org.eclipse.jetty.client.transport.HttpResponse",
            "java.net.Socket",
            "sun.nio.ch.SocketChannelImpl"));

    private ClientTypes() {
    }
}
