package io.imdsguard.agent.instrument;

import io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionInstrumentation;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpClientInstrumentation;
import io.imdsguard.agent.instrument.socket.SocketInstrumentation;
import io.imdsguard.agent.log.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.List;

/**
 * Every client instrumentation, and the weaver that applies them. Only {@link ClientClassWatch} refers
 * to this class, and only once the first client class loads: loading it loads Byte Buddy.
 */
public final class Instrumentations {

    private Instrumentations() {
    }

    static List<ClientInstrumentation> all() {
        return Arrays.<ClientInstrumentation>asList(
                new HttpUrlConnectionInstrumentation(),
                new JdkHttpClientInstrumentation(),
                new io.imdsguard.agent.instrument.apachehttpclient4.ApacheHttpClient4Instrumentation(),
                new io.imdsguard.agent.instrument.apachehttpclient5.ApacheHttpClient5Instrumentation(),
                new io.imdsguard.agent.instrument.apachehttpclient5.ApacheHttpAsyncClient5Instrumentation(),
                new io.imdsguard.agent.instrument.okhttp.OkHttpInstrumentation(),
                new io.imdsguard.agent.instrument.asynchttpclient.AsyncHttpClientInstrumentation(),
                new io.imdsguard.agent.instrument.vertx.VertxWebClientInstrumentation(),
                new io.imdsguard.agent.instrument.reactornetty.ReactorNettyInstrumentation(),
                io.imdsguard.agent.instrument.jetty.JettyInstrumentation.jetty9to11(),
                io.imdsguard.agent.instrument.jetty.JettyInstrumentation.jetty12(),
                new SocketInstrumentation(),
                new io.imdsguard.agent.instrument.nio.SocketChannelInstrumentation());
    }

    /** The weaver for every client; the bridge must be installed first. */
    static ClassFileTransformer weaver(Instrumentation instrumentation, List<ClientInstrumentation> clients,
                                       AgentLog log) {
        AdviceHooks.logTo(log);
        for (ClientInstrumentation client : clients) {
            log.debug("instrumentation registered: " + client.client());
        }
        return AdviceWeaver.forClients(instrumentation, clients, log);
    }
}
