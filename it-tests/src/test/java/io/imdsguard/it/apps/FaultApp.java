package io.imdsguard.it.apps;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.InvocationTargetException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * A legacy service that reads IMDS v1 through four clients, driven from standard input so that a
 * test can inject one fault after another into the mock IMDS while the same JVM keeps running. On
 * Java 8, which has no java.net.http, it uses the other three ({@link #clients}); it reaches
 * java.net.http through {@link JavaNetHttp}, so that it compiles for Java 8.
 *
 * <p>Commands (each answered by {@code <command>: <result>} and {@code ok}):
 *
 * <ul>
 *   <li>{@code round}: one v1 read per client, in a fixed order, then one v2 read (token PUT + GET)
 *       through HttpURLConnection; the result lists each outcome as a status code or the
 *       exception's class, e.g. {@code huc=200 jdk=200 apache=500
 *       okhttp=java.net.SocketTimeoutException v2=200};
 *   <li>{@code load THREADS CALLS}: THREADS threads, all released at once, each making CALLS v1
 *       reads through one client (thread i uses client i mod the number of clients); the result
 *       counts outcomes, e.g. {@code calls=64000 200=64000};
 *   <li>{@code resources}: lets the JVM settle, then prints its live thread count, open file
 *       descriptors and the heap in use after full collections, in KB ({@code threads=17 fds=12
 *       heapKb=5120}), for leak checks;
 *   <li>{@code quit}.
 * </ul>
 *
 * Before the first round the test sends {@code load 4 2}, so that classes are loaded before any
 * timeout runs. Outcomes never include exception messages, which carry ports and timings that
 * differ between runs. Library-internal retries are off (Apache's), so one call is one request on
 * the wire.
 */
public final class FaultApp {

    private static final String PATH = "/latest/meta-data/instance-id";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * The application's own token PUT waits 3 s at most, as the AWS SDKs wait about 1 s: a black
     * hole must end.
     */
    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(3);

    private static final boolean JAVA_NET_HTTP = JavaNetHttp.present();
    private static final String[] CLIENTS = clients(JAVA_NET_HTTP).toArray(new String[0]);

    private final String endpoint;
    private final Clients rounds = new Clients(TIMEOUT);

    /** Load may queue behind 63 other threads on a busy machine: its timeouts only catch a hang. */
    private final Clients load = new Clients(Duration.ofSeconds(30));

    private FaultApp(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * The clients of a round, in their order: java.net.http (jdk) only where the JVM has it (Java
     * 11+).
     */
    public static List<String> clients(boolean javaNetHttp) {
        List<String> clients = new ArrayList<>();
        clients.add("huc");
        if (javaNetHttp) {
            clients.add("jdk");
        }
        clients.add("apache");
        clients.add("okhttp");
        return clients;
    }

    /** One instance of each client, with connect and read timeouts. */
    private static final class Clients {
        final Duration timeout;

        /** java.net.http, or null on Java 8. */
        final JavaNetHttp jdk;

        final CloseableHttpClient apache;
        final OkHttpClient okhttp;

        Clients(Duration timeout) {
            this.timeout = timeout;
            this.jdk = JAVA_NET_HTTP ? JavaNetHttp.ifAvailable(timeout, fixedExecutor()) : null;
            this.apache =
                    HttpClients.custom()
                            .setConnectionManager(
                                    PoolingHttpClientConnectionManagerBuilder.create()
                                            .setMaxConnTotal(128)
                                            .setMaxConnPerRoute(128)
                                            .setDefaultConnectionConfig(
                                                    ConnectionConfig.custom()
                                                            .setConnectTimeout(Timeout.of(timeout))
                                                            .setSocketTimeout(Timeout.of(timeout))
                                                            .build())
                                            .build())
                            .setDefaultRequestConfig(
                                    RequestConfig.custom()
                                            .setResponseTimeout(Timeout.of(timeout))
                                            .build())
                            .disableAutomaticRetries()
                            .build();
            this.okhttp =
                    new OkHttpClient.Builder()
                            .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .retryOnConnectionFailure(false)
                            .build();
        }
    }

    /**
     * A fixed, pre-started executor for java.net.http: the default one grows with concurrency and
     * keeps idle threads for a minute, which would hide a leak behind the JDK's own pool growth.
     */
    private static ThreadPoolExecutor fixedExecutor() {
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(
                        4,
                        4,
                        0,
                        TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "jdk-client");
                            t.setDaemon(true);
                            return t;
                        });
        executor.prestartAllCoreThreads();
        return executor;
    }

    public static void main(String[] args) throws Exception {
        FaultApp app = new FaultApp(System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            String[] words = line.trim().split("\\s+");
            String result;
            try {
                result = answer(app, words);
            } catch (Exception e) {
                result = "FAILED " + e;
            }
            System.out.println(line + ": " + result);
            System.out.println("ok");
        }
    }

    private String round() {
        StringBuilder out = new StringBuilder();
        for (String client : CLIENTS) {
            out.append(client).append('=').append(outcome(rounds, client)).append(' ');
        }
        String v2;
        try {
            v2 = String.valueOf(v2());
        } catch (Exception e) {
            v2 = e.getClass().getName();
        }
        return out.append("v2=").append(v2).toString();
    }

    private String load(int threads, int calls) throws InterruptedException {
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String client = CLIENTS[t % CLIENTS.length];
            Thread worker =
                    new Thread(
                            () -> {
                                try {
                                    start.await();
                                } catch (InterruptedException e) {
                                    return;
                                }
                                for (int i = 0; i < calls; i++) {
                                    outcomes.computeIfAbsent(
                                                    outcome(load, client), k -> new LongAdder())
                                            .increment();
                                }
                            },
                            "load-" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder out =
                new StringBuilder(
                        "calls=" + sorted.values().stream().mapToLong(Long::longValue).sum());
        sorted.forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        return out.toString();
    }

    /**
     * After a run, worker threads must have ended and sockets be closed; a GC lets unreachable
     * sockets' cleaners run and a short pause lets pool threads reach their idle timeouts' checks.
     */
    private static String answer(FaultApp app, String[] words) throws Exception {
        switch (words[0]) {
            case "round":
                return app.round();
            case "load":
                return app.load(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
            case "resources":
                return resources();
            default:
                return "unknown command";
        }
    }

    private static String resources() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        String[] fds = new File("/proc/self/fd").list();
        return "threads="
                + ManagementFactory.getThreadMXBean().getThreadCount()
                + " fds="
                + (fds == null ? -1 : fds.length)
                + " heapKb="
                + heapAfterLastCollection() / 1024;
    }

    /**
     * What the last full collection left in the heap, pool by pool. Not the heap's current use:
     * under Java 8's default Parallel GC that counts each thread-local allocation buffer handed out
     * since the collection in full, which made it vary by megabytes between two idle samples.
     */
    private static long heapAfterLastCollection() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) {
                continue;
            }
            MemoryUsage afterCollection = pool.getCollectionUsage();
            if (afterCollection == null) {
                return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }
            used += afterCollection.getUsed();
        }
        return used;
    }

    private String outcome(Clients clients, String client) {
        try {
            switch (client) {
                case "huc":
                    return String.valueOf(huc(clients));
                case "jdk":
                    return String.valueOf(jdk(clients));
                case "apache":
                    return String.valueOf(apache(clients));
                case "okhttp":
                    return String.valueOf(okhttp(clients));
                default:
                    throw new IllegalArgumentException(client);
            }
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    private int huc(Clients clients) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint + PATH).openConnection();
        c.setConnectTimeout((int) clients.timeout.toMillis());
        c.setReadTimeout((int) clients.timeout.toMillis());
        try {
            int status = c.getResponseCode();
            try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return status;
        } finally {
            c.disconnect();
        }
    }

    private int jdk(Clients clients) throws Exception {
        JavaNetHttp jdk = clients.jdk;
        Object request = jdk.get(endpoint + PATH, clients.timeout);
        try {
            return JavaNetHttp.status(jdk.send.invoke(jdk.client, request, jdk.ofString));
        } catch (InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
    }

    private int apache(Clients clients) throws Exception {
        return clients.apache.execute(
                new HttpGet(endpoint + PATH),
                response -> {
                    EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
    }

    private int okhttp(Clients clients) throws Exception {
        try (Response response =
                clients.okhttp
                        .newCall(new Request.Builder().url(endpoint + PATH).build())
                        .execute()) {
            response.body().bytes();
            return response.code();
        }
    }

    /** The application's own v2 read: it fetches its own token, as a migrated service does. */
    private int v2() throws Exception {
        HttpURLConnection put =
                (HttpURLConnection) new URL(endpoint + "/latest/api/token").openConnection();
        put.setRequestMethod("PUT");
        put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "60");
        put.setConnectTimeout((int) TOKEN_TIMEOUT.toMillis());
        put.setReadTimeout((int) TOKEN_TIMEOUT.toMillis());
        String token;
        try {
            int status = put.getResponseCode();
            if (status != 200) {
                try (InputStream err = put.getErrorStream()) {
                    if (err != null) {
                        AppStreams.readAll(err);
                    }
                }
                return status;
            }
            try (InputStream body = put.getInputStream()) {
                token = new String(AppStreams.readAll(body), StandardCharsets.UTF_8);
            }
        } finally {
            put.disconnect();
        }
        HttpURLConnection get = (HttpURLConnection) new URL(endpoint + PATH).openConnection();
        get.setRequestProperty("X-aws-ec2-metadata-token", token);
        get.setConnectTimeout((int) TIMEOUT.toMillis());
        get.setReadTimeout((int) TIMEOUT.toMillis());
        try {
            int status = get.getResponseCode();
            try (InputStream body = status < 400 ? get.getInputStream() : get.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return status;
        } finally {
            get.disconnect();
        }
    }
}
