package io.imdsguard.mockimds;

/**
 * The knobs tests turn while the server runs; volatile so a change applies to the next request on
 * any thread.
 */
final class RuntimeSettings {

    volatile HttpTokens httpTokens;
    volatile boolean endpointEnabled = true;
    volatile long responseDelayMillis;
    volatile int forcedStatus;
    volatile int retryAfterSeconds;
    volatile boolean truncateBodies;
    volatile boolean malformedTokens;

    RuntimeSettings(HttpTokens httpTokens) {
        this.httpTokens = httpTokens;
    }
}
