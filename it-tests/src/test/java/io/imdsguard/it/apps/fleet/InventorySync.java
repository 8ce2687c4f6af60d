package io.imdsguard.it.apps.fleet;

import io.imdsguard.it.apps.AppStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;

/** Legacy code reading metadata with IMDSv1 through HttpURLConnection. */
public final class InventorySync {

    private InventorySync() {}

    static int fetchInstanceId(String endpoint) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            try (InputStream body =
                    status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
