package io.imdsguard.agent.instrument;

import java.lang.instrument.Instrumentation;

/**
 * Puts the bridge classes into the bootstrap loader and connects the agent's listener to them, just
 * before Byte Buddy weaves the first class: nothing calls the bridge before woven code does, so
 * premain need not pay for it.
 *
 * <p>This class must not name the bridge classes, nor load a class that does, before {@link
 * BootstrapBridge#install} has run: the agent's loader would define copies of its own, which woven
 * JDK classes cannot see. So the listener is made through a static call, which the JVM resolves
 * only when it runs.
 */
final class BridgeConnection {

    private final ClientSetup setup;

    BridgeConnection(ClientSetup setup) {
        this.setup = setup;
    }

    void connect(Instrumentation instrumentation) throws Exception {
        setup.log.debug("bootstrap bridge " + BootstrapBridge.install(instrumentation));
        ClientRequestListener.connect(setup, Clients.ALL);
    }
}
