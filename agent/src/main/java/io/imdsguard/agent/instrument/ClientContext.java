package io.imdsguard.agent.instrument;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.rewrite.LazyTokenProvider;

/** What a client's {@link ClientHooks} get from the running agent. */
public final class ClientContext {

    private final ClientSetup setup;
    private final HookedRequests hooked;

    ClientContext(ClientSetup setup, HookedRequests hooked) {
        this.setup = setup;
        this.hooked = hooked;
    }

    public ImdsEndpoints endpoints() {
        return setup.endpoints;
    }

    public RequestObserver observer() {
        return setup.observer;
    }

    /** Made when rewrite mode first needs a token (the mode can change at run time). */
    public LazyTokenProvider tokens() {
        return setup.tokens;
    }

    /** Told how the application's token PUTs failed; null for none. */
    public Diagnoses diagnoses() {
        return setup.diagnoses;
    }

    public AgentLog log() {
        return setup.log;
    }

    /**
     * What the hooks judged, for the backstops that see the same request again on the wire: they
     * must not count it twice.
     */
    public HookedRequests hooked() {
        return hooked;
    }
}
