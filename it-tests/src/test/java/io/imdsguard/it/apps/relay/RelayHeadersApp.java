package io.imdsguard.it.apps.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * A service relaying requests to IMDS for others, as a proxy or gateway would: one v1 read of
 * {@code instance-id} per header given, each carrying that one relay header, through
 * HttpURLConnection ({@code huc}) or OkHttp ({@code okhttp}). Arguments: the client, then headers
 * as {@code Name=value}. Prints {@code <Name>: <status>} per request, then {@code done}.
 *
 * <p>HttpURLConnection drops {@code Via} unless run with {@code
 * -Dsun.net.http.allowRestrictedHeaders=true}. Java 8 API only.
 */
public final class RelayHeadersApp {

    public static void main(String[] args) throws Exception {
        String url =
                System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                        + "/latest/meta-data/instance-id";
        OkHttpClient okHttp = new OkHttpClient();
        try {
            for (int i = 1; i < args.length; i++) {
                String name = args[i].substring(0, args[i].indexOf('='));
                String value = args[i].substring(args[i].indexOf('=') + 1);
                int status =
                        args[0].equals("okhttp")
                                ? viaOkHttp(okHttp, url, name, value)
                                : viaHttpUrlConnection(url, name, value);
                System.out.println(name + ": " + status);
            }
        } finally {
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
        System.out.println("done");
    }

    private static int viaHttpUrlConnection(String url, String name, String value)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestProperty(name, value);
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        if (body != null) {
            body.close();
        }
        return status;
    }

    private static int viaOkHttp(OkHttpClient client, String url, String name, String value)
            throws IOException {
        Request request = new Request.Builder().url(url).header(name, value).build();
        okhttp3.Response response = client.newCall(request).execute();
        try {
            return response.code();
        } finally {
            response.close();
        }
    }
}
