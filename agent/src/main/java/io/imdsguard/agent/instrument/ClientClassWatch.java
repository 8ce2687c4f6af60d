package io.imdsguard.agent.instrument;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

/**
 * Registers, in premain, the watch for the HTTP clients' classes, and weaves them, through Byte
 * Buddy, once the agent has started. It names no Byte Buddy class: premain must not load any.
 */
public final class ClientClassWatch {

    private final DeferredInstrumentation deferred;
    private final Instrumentation instrumentation;

    private ClientClassWatch(DeferredInstrumentation deferred, Instrumentation instrumentation) {
        this.deferred = deferred;
        this.instrumentation = instrumentation;
    }

    /**
     * Registers the instrumentation. The bridge, the listener behind it and Byte Buddy are set up
     * only when the first client class is loaded, or right away if one is loaded already (see
     * DeferredInstrumentation), with what {@code setup} gives by then.
     *
     * @return the watch, to {@link #weaveLoaded} once the agent has started
     */
    public static ClientClassWatch register(
            final Instrumentation instrumentation, final ClientSetup.Source setup) {
        DeferredInstrumentation deferred =
                new DeferredInstrumentation(
                        Clients.watchedClasses(),
                        new DeferredInstrumentation.Builder() {
                            private volatile ClientSetup known;

                            @Override
                            public boolean ready() {
                                if (known == null) {
                                    known = setup.await();
                                }
                                return known != null;
                            }

                            @Override
                            public ClassFileTransformer build() throws Exception {
                                new BridgeConnection(known).connect(instrumentation);
                                return Instrumentations.weaver(
                                        instrumentation, Clients.ALL, known.log);
                            }

                            @Override
                            public AgentLog log() {
                                ClientSetup current = known;
                                return current != null
                                        ? current.log
                                        : AgentLog.toStandardError(false);
                            }
                        });
        deferred.install(instrumentation);
        return new ClientClassWatch(deferred, instrumentation);
    }

    /**
     * Weaves the client classes loaded before the watch was registered. Not done in {@link
     * #register}: premain leaves it, and the walk over every loaded class, to the thread that
     * starts the agent.
     */
    public void weaveLoaded() {
        deferred.weaveLoaded(instrumentation);
    }
}
