package io.imdsguard.agent.config;

/** A configuration value that cannot be used; its message names the key and what is accepted. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
