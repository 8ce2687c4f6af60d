package io.imdsguard.agent.config;

import java.util.Collections;
import java.util.List;

/** Either a usable configuration or the list of problems that stop the agent from starting. */
public final class ConfigResult {

    private final AgentConfig config;
    private final List<String> errors;

    ConfigResult(AgentConfig config, List<String> errors) {
        this.config = config;
        this.errors = Collections.unmodifiableList(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** The configuration; only meaningful when {@link #ok()}. */
    public AgentConfig config() {
        return config;
    }

    /**
     * One self-contained line per problem, naming the key, where it came from and what is accepted.
     */
    public List<String> errors() {
        return errors;
    }
}
