package io.imdsguard.demo.legacy;

import io.imdsguard.demo.ImdsHttp;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;

/** The oldest code in the service: a plain v1 GET through HttpURLConnection. */
public final class LegacyInstanceInfo {

    private final String endpoint;

    public LegacyInstanceInfo(String endpoint) {
        this.endpoint = endpoint;
    }

    public String instanceId() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(2000);
        int status = connection.getResponseCode();
        if (status != 200) {
            throw new IOException("HTTP " + status);
        }
        return ImdsHttp.read(connection.getInputStream());
    }
}
