package io.imdsguard.it.apps.indirect;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Reads one URL through one HTTP client, following redirects as each client does by default, and
 * prints {@code <client>: <status> <body or ->}. The URL may redirect into IMDS, name IMDS by an
 * alias, or be IMDS itself: what reaches IMDS, and how the agent judges it, is the test's business.
 *
 * <p>Arguments: {@code huc|okhttp|apache4} and the URL. Java 8 API only.
 */
public final class IndirectRequestsApp {

    public static void main(String[] args) throws Exception {
        String client = args[0];
        String url = args[1];
        String answer;
        try {
            if ("huc".equals(client)) {
                answer = hucRead(url);
            } else if ("okhttp".equals(client)) {
                answer = okHttpRead(url);
            } else if ("apache4".equals(client)) {
                answer = apacheRead(url);
            } else {
                throw new IllegalArgumentException("unknown client " + client);
            }
        } catch (IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println(client + ": " + answer);
        System.out.println("done");
    }

    static String hucRead(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String text = body == null ? "" : read(body);
        connection.disconnect();
        return status + " " + (status == 200 ? text.trim() : "-");
    }

    static String okHttpRead(String url) throws IOException {
        OkHttpClient client = new OkHttpClient();
        try {
            okhttp3.Response response = client.newCall(new Request.Builder().url(url).build()).execute();
            try {
                ResponseBody body = response.body();
                return response.code() + " " + (response.code() == 200 && body != null ? body.string().trim() : "-");
            } finally {
                response.close();
            }
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static String apacheRead(String url) throws IOException {
        CloseableHttpClient client = HttpClients.createDefault();
        try {
            CloseableHttpResponse response = client.execute(new HttpGet(url));
            try {
                int status = response.getStatusLine().getStatusCode();
                String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
                return status + " " + (status == 200 ? body.trim() : "-");
            } finally {
                response.close();
            }
        } finally {
            client.close();
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            bytes.write(buffer, 0, n);
        }
        in.close();
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
