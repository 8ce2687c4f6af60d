package net.tinyhttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * An HTTP library no one has heard of, over HttpURLConnection. UnknownHttpLibrariesIT packs it into
 * a jar of its own ({@code tiny-http-1.0.jar}) and runs the application beside it, as a dependency
 * is run: the agent knows nothing of it but where its classes came from.
 */
public final class TinyHttp {

    private TinyHttp() {}

    /** {@code <status> <body>} of a GET. */
    public static String get(String url) throws IOException {
        return send(new Request(url));
    }

    private static String send(Request request) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(request.url).openConnection();
        try {
            int status = connection.getResponseCode();
            InputStream in =
                    status < 400 ? connection.getInputStream() : connection.getErrorStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (in != null) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    body.write(buffer, 0, n);
                }
                in.close();
            }
            return status + " " + new String(body.toByteArray(), "UTF-8");
        } finally {
            connection.disconnect();
        }
    }

    /** A request as the library sees it. */
    static final class Request {
        final String url;

        Request(String url) {
            this.url = url;
        }
    }
}
