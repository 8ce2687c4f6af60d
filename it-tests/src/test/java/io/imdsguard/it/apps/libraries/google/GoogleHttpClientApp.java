package io.imdsguard.it.apps.libraries.google;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads IMDS v1 through google-http-client (NetHttpTransport, over HttpURLConnection) from two
 * methods of its own, each calling the library directly, and offers a link preview that fetches
 * whatever URL it is given ({@link UrlPreview}). Arguments: steps, {@code instance-id}, {@code
 * ami-id} or {@code preview=<url>}; each prints {@code <step>: <status> <body>}.
 */
public final class GoogleHttpClientApp {

    static final HttpRequestFactory REQUESTS = new NetHttpTransport().createRequestFactory();

    private GoogleHttpClientApp() {}

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        for (String step : args) {
            if (step.equals("instance-id")) {
                System.out.println("instance-id: " + instanceId(endpoint));
            } else if (step.equals("ami-id")) {
                System.out.println("ami-id: " + amiId(endpoint));
            } else if (step.startsWith("preview=")) {
                System.out.println(
                        "preview: " + UrlPreview.fetch(step.substring("preview=".length())));
            } else {
                throw new IllegalArgumentException("unknown step " + step);
            }
        }
        System.out.println("done");
    }

    static String instanceId(String endpoint) throws IOException {
        HttpRequest request =
                REQUESTS.buildGetRequest(
                        new GenericUrl(endpoint + "/latest/meta-data/instance-id"));
        request.setThrowExceptionOnExecuteError(false);
        return statusAndBody(request.execute());
    }

    static String amiId(String endpoint) throws IOException {
        HttpRequest request =
                REQUESTS.buildGetRequest(new GenericUrl(endpoint + "/latest/meta-data/ami-id"));
        request.setThrowExceptionOnExecuteError(false);
        return statusAndBody(request.execute());
    }

    static String statusAndBody(HttpResponse response) throws IOException {
        try {
            InputStream in = response.getContent();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (in != null) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    body.write(buffer, 0, n);
                }
            }
            return response.getStatusCode()
                    + " "
                    + new String(body.toByteArray(), "UTF-8").replace('\n', ' ');
        } finally {
            response.disconnect();
        }
    }
}
