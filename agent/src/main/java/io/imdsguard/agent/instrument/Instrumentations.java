package io.imdsguard.agent.instrument;

import io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionInstrumentation;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpClientInstrumentation;
import io.imdsguard.agent.instrument.socket.SocketInstrumentation;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

/**
 * Every client instrumentation, in one Byte Buddy agent builder. Only {@link ClientClassWatch} refers to
 * this class, and only once the first client class loads: loading it loads Byte Buddy.
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
                new SocketInstrumentation());
    }

    /** Byte Buddy's transformer for every client; the bridge must be installed first. */
    static ClassFileTransformer byteBuddyTransformer(Instrumentation instrumentation,
                                                             List<ClientInstrumentation> clients, AgentLog log) {
        // The Nexus serves LoadedTypeInitializers, which inlined advice never needs; probing for it
        // touches sun.misc.Unsafe, which JDK 24+ reports on standard error. The property name is
        // relocated with Byte Buddy, so this never affects an application's own Byte Buddy.
        System.setProperty(Nexus.PROPERTY, "true");
        AdviceHooks.logTo(log);
        AgentBuilder builder = new AgentBuilder.Default()
                // JDK classes may be loaded already: they can only be retransformed, and retransformation
                // cannot add fields or methods, so advice is inlined and the class format kept.
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new ErrorLogger(log))
                // The default ignores bootstrap classes, which are exactly the JDK clients' classes.
                .ignore(nameStartsWith("net.bytebuddy.").or(nameStartsWith("io.imdsguard.")))
                // On JDK 9+, java.base and java.net.http must read the bridge's unnamed module.
                .assureReadEdgeTo(instrumentation, ImdsBridge.class);
        for (ClientInstrumentation client : clients) {
            builder = builder.type(namedOneOf(client.typeNames().toArray(new String[0])))
                    .transform(client.transformer());
            log.debug("instrumentation registered: " + client.client());
        }
        // Not installed: DeferredInstrumentation, already registered with the JVM, hands it the classes.
        return builder.makeRaw();
    }

    /** Without a listener Byte Buddy's transformation errors vanish; the user must hear of them. */
    private static final class ErrorLogger extends AgentBuilder.Listener.Adapter {
        private final AgentLog log;

        ErrorLogger(AgentLog log) {
            this.log = log;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            log.debug("instrumented " + type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable error) {
            log.once("transform:" + typeName, "could not instrument " + typeName + " (its requests are not seen; "
                    + "the application is unaffected): " + error);
        }
    }
}
