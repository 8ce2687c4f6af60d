package io.imdsguard.agent.config;

/** Turns a raw configuration string into a typed value, or says what would have been accepted. */
interface ValueParser {

    Object parse(String raw) throws ConfigException;

    /** Human description of the accepted values, for error messages and docs/configuration.md. */
    String accepted();
}
