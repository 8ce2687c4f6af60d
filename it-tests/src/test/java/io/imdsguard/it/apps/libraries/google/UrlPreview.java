package io.imdsguard.it.apps.libraries.google;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import java.io.IOException;

/**
 * A link preview: fetches any URL a user supplies, through google-http-client. An SSRF flaw by
 * design; given IMDS's credentials URL it must not be handed the agent's token.
 */
public final class UrlPreview {

    private UrlPreview() {}

    static String fetch(String userSuppliedUrl) throws IOException {
        HttpRequest request =
                GoogleHttpClientApp.REQUESTS.buildGetRequest(new GenericUrl(userSuppliedUrl));
        request.setThrowExceptionOnExecuteError(false);
        return GoogleHttpClientApp.statusAndBody(request.execute());
    }
}
