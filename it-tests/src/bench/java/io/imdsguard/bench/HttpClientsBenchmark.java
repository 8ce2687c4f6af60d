package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One GET of a non-IMDS loopback URL per operation, through each instrumented client, with
 * connections kept alive: the request path an application pays for, where the agent must cost
 * nothing measurable. The driver runs it with and without {@code -javaagent}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpClientsBenchmark {

    private String url;
    private URL javaUrl;
    private HttpClient jdkClient;
    private HttpRequest jdkRequest;
    private org.apache.http.impl.client.CloseableHttpClient apache4;
    private org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache5;
    private okhttp3.OkHttpClient okHttp;
    private okhttp3.Request okHttpRequest;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        url = System.getProperty("bench.http.url");
        javaUrl = new URL(url);
        jdkClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        jdkRequest = HttpRequest.newBuilder(URI.create(url)).GET().build();
        apache4 = org.apache.http.impl.client.HttpClients.createDefault();
        apache5 = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
        okHttp = new okhttp3.OkHttpClient();
        okHttpRequest = new okhttp3.Request.Builder().url(url).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        apache4.close();
        apache5.close();
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
    }

    @Benchmark
    public int httpUrlConnection() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) javaUrl.openConnection();
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes().length + connection.getResponseCode();
        }
    }

    @Benchmark
    public int javaNetHttp() throws IOException, InterruptedException {
        HttpResponse<byte[]> response =
                jdkClient.send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray());
        return response.body().length + response.statusCode();
    }

    @Benchmark
    public int apacheHttpClient4() throws IOException {
        try (org.apache.http.client.methods.CloseableHttpResponse response =
                apache4.execute(new org.apache.http.client.methods.HttpGet(url))) {
            int length = org.apache.http.util.EntityUtils.toByteArray(response.getEntity()).length;
            return length + response.getStatusLine().getStatusCode();
        }
    }

    @Benchmark
    public int apacheHttpClient5() throws IOException {
        return apache5.execute(
                new HttpGet(url),
                response ->
                        EntityUtils.toByteArray(response.getEntity()).length + response.getCode());
    }

    @Benchmark
    public int okHttp() throws IOException {
        try (okhttp3.Response response = okHttp.newCall(okHttpRequest).execute()) {
            return response.body().bytes().length + response.code();
        }
    }
}
