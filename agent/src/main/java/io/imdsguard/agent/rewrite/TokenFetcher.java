package io.imdsguard.agent.rewrite;

/** Asks one IMDS endpoint for a session token. */
public interface TokenFetcher {

    FetchedToken fetch(String origin, int ttlSeconds) throws TokenFetchException;
}
