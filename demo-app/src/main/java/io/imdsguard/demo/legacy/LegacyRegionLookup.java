package io.imdsguard.demo.legacy;

import io.imdsguard.demo.ImdsHttp;
import java.io.IOException;
import java.net.URL;

/** A one-liner someone once pasted: {@code URL.openStream()}, which is v1 too. */
public final class LegacyRegionLookup {

    private final String endpoint;

    public LegacyRegionLookup(String endpoint) {
        this.endpoint = endpoint;
    }

    public String region() throws IOException {
        return ImdsHttp.read(new URL(endpoint + "/latest/meta-data/placement/region").openStream());
    }
}
