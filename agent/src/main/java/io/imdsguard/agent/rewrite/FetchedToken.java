package io.imdsguard.agent.rewrite;

/** A token fresh from IMDS and the lifetime IMDS granted it. */
public final class FetchedToken {

    final String value;
    final int ttlSeconds;

    public FetchedToken(String value, int ttlSeconds) {
        this.value = value;
        this.ttlSeconds = ttlSeconds;
    }
}
