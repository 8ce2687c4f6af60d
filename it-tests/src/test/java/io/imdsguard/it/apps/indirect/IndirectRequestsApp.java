package io.imdsguard.it.apps.indirect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import org.apache.http.HttpHost;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * Reads one URL through one HTTP client, following redirects as each client does by default, and
 * prints {@code <client>: <status> <body or ->}. The URL may redirect into IMDS, name IMDS by an
 * alias, or be IMDS itself: what reaches IMDS, and how the agent judges it, is the test's business.
 *
 * <p>Arguments: {@code huc|okhttp|apache4}, the URL, and optionally the port of an HTTP proxy on
 * 127.0.0.1 that the client object is given (not the JVM's default proxy settings): {@code
 * openConnection(Proxy)}, OkHttp's {@code Builder.proxy}, Apache's {@code
 * HttpClientBuilder.setProxy}; the clients {@code okhttp-selector} and {@code apache4-config} give
 * it as OkHttp's {@code Builder.proxySelector} and Apache's {@code RequestConfig.setProxy}. Java 8
 * API only.
 */
public final class IndirectRequestsApp {

    public static void main(String[] args) throws Exception {
        String client = args[0];
        String url = args[1];
        Proxy proxy =
                args.length > 2
                        ? new Proxy(
                                Proxy.Type.HTTP,
                                new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2])))
                        : null;
        String answer;
        try {
            if ("huc".equals(client)) {
                answer = hucRead(url, proxy);
            } else if ("okhttp".equals(client)) {
                answer =
                        okHttpRead(
                                url,
                                proxy == null
                                        ? new OkHttpClient()
                                        : new OkHttpClient.Builder().proxy(proxy).build());
            } else if ("okhttp-selector".equals(client)) {
                answer =
                        okHttpRead(
                                url, new OkHttpClient.Builder().proxySelector(only(proxy)).build());
            } else if ("apache4".equals(client)) {
                answer =
                        apacheRead(
                                url,
                                proxy == null
                                        ? HttpClients.createDefault()
                                        : HttpClientBuilder.create().setProxy(host(proxy)).build(),
                                null);
            } else if ("apache4-config".equals(client)) {
                answer =
                        apacheRead(
                                url,
                                HttpClients.createDefault(),
                                RequestConfig.custom().setProxy(host(proxy)).build());
            } else {
                throw new IllegalArgumentException("unknown client " + client);
            }
        } catch (IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println(client + ": " + answer);
        System.out.println("done");
    }

    static String hucRead(String url, Proxy proxy) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection)
                        (proxy == null
                                ? new URL(url).openConnection()
                                : new URL(url).openConnection(proxy));
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String text = body == null ? "" : read(body);
        connection.disconnect();
        return status + " " + (status == 200 ? text.trim() : "-");
    }

    static String okHttpRead(String url, OkHttpClient client) throws IOException {
        try {
            okhttp3.Response response =
                    client.newCall(new Request.Builder().url(url).build()).execute();
            try {
                ResponseBody body = response.body();
                return response.code()
                        + " "
                        + (response.code() == 200 && body != null ? body.string().trim() : "-");
            } finally {
                response.close();
            }
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static String apacheRead(String url, CloseableHttpClient client, RequestConfig config)
            throws IOException {
        try {
            HttpGet get = new HttpGet(url);
            if (config != null) {
                get.setConfig(config);
            }
            CloseableHttpResponse response = client.execute(get);
            try {
                int status = response.getStatusLine().getStatusCode();
                String body =
                        response.getEntity() == null
                                ? ""
                                : EntityUtils.toString(response.getEntity());
                return status + " " + (status == 200 ? body.trim() : "-");
            } finally {
                response.close();
            }
        } finally {
            client.close();
        }
    }

    private static HttpHost host(Proxy proxy) {
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        return new HttpHost(address.getHostString(), address.getPort(), "http");
    }

    /** A selector of the application's own that sends everything through {@code proxy}. */
    private static ProxySelector only(final Proxy proxy) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return Collections.singletonList(proxy);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {}
        };
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
