package io.imdsguard.agent.instrument;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.agent.rewrite.LazyTokenProvider;

import java.lang.instrument.Instrumentation;

/**
 * Puts the bridge classes into the bootstrap loader and connects the agent's listener to them, just
 * before Byte Buddy weaves the first class: nothing calls the bridge before woven code does, so
 * premain need not pay for it.
 *
 * <p>This class must not name the bridge classes, nor load a class that does, before
 * {@link BootstrapBridge#install} has run: the agent's loader would define copies of its own, which
 * woven JDK classes cannot see. So the listener is made through a static call, which the JVM
 * resolves only when it runs.
 */
final class BridgeConnection {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final LazyTokenProvider tokens;
    private final AgentLog log;
    private final Diagnoses diagnoses;

    BridgeConnection(ImdsEndpoints endpoints, RequestObserver observer, LazyTokenProvider tokens, AgentLog log,
                     Diagnoses diagnoses) {
        this.endpoints = endpoints;
        this.observer = observer;
        this.tokens = tokens;
        this.log = log;
        this.diagnoses = diagnoses;
    }

    void connect(Instrumentation instrumentation) throws Exception {
        log.debug("bootstrap bridge " + BootstrapBridge.install(instrumentation));
        ClientRequestListener.connect(endpoints, observer, tokens, log, diagnoses);
    }
}
