package io.imdsguard.it.apps.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** More legacy code, another call site: IMDSv1 through java.net.http. */
public final class ReportExporter {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ReportExporter() {}

    static int fetchRegion(String endpoint) {
        try {
            return CLIENT.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    endpoint
                                                            + "/latest/meta-data/placement/region"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
