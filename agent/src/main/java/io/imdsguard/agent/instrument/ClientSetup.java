package io.imdsguard.agent.instrument;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.rewrite.LazyTokenProvider;

/**
 * What woven client code reports to: the parts of the running agent that the bridge's listener
 * needs.
 */
public final class ClientSetup {

    /**
     * Where the client instrumentation gets its set-up from. The agent starts on a thread of its
     * own (see {@code AgentStart}) while the application goes on, so the first client class may be
     * loaded before the set-up exists.
     */
    public interface Source {
        /**
         * Waits until the agent has started, at most a bounded time.
         *
         * @return the set-up; null when the agent is off (bad configuration, a failed start), when
         *     it has not started in time, or when called on the thread that starts it, which must
         *     not wait for itself
         */
        ClientSetup await();
    }

    final ImdsEndpoints endpoints;
    final RequestObserver observer;
    final LazyTokenProvider tokens;
    final Diagnoses diagnoses;
    final AgentLog log;

    public ClientSetup(
            ImdsEndpoints endpoints,
            RequestObserver observer,
            LazyTokenProvider tokens,
            Diagnoses diagnoses,
            AgentLog log) {
        this.endpoints = endpoints;
        this.observer = observer;
        this.tokens = tokens;
        this.diagnoses = diagnoses;
        this.log = log;
    }
}
