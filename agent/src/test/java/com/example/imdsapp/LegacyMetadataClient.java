package com.example.imdsapp;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.observe.RequestObserver;

/**
 * Stands in for application code in the observer's tests: it lives outside the agent's packages, so
 * its methods are the call sites the agent attributes requests to. Each method is one call site.
 */
public final class LegacyMetadataClient {

    public static final String CLIENT = "HttpURLConnection";

    private final RequestObserver observer;

    public LegacyMetadataClient(RequestObserver observer) {
        this.observer = observer;
    }

    public ImdsVersion readInstanceIdV1() {
        return observer.handle(
                        new ImdsRequest(
                                CLIENT, "GET", "/latest/meta-data/instance-id", false, false))
                .version();
    }

    public ImdsVersion readRegionV1(String path) {
        return observer.handle(new ImdsRequest(CLIENT, "GET", path, false, false)).version();
    }

    public ImdsVersion fetchToken() {
        return observer.handle(new ImdsRequest(CLIENT, "PUT", "/latest/api/token", false, false))
                .version();
    }

    public ImdsVersion readInstanceIdV2() {
        return observer.handle(
                        new ImdsRequest(
                                CLIENT, "GET", "/latest/meta-data/instance-id", true, false))
                .version();
    }
}
