package io.imdsguard.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * THREADS threads x CALLS v1 calls each, half through HttpURLConnection and half through
 * java.net.http (all through HttpURLConnection on Java 8), all released at once; optionally
 * PAUSE_MS between one thread's calls. Prints how many calls got 200 and how many did not.
 */
public final class ConcurrentCallsApp {

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int threads = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        long pauseMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        // java.net.http where there is one (Java 11+); on Java 8 every thread uses
        // HttpURLConnection.
        JavaNetHttp client = JavaNetHttp.ifAvailable(java.time.Duration.ofSeconds(5));
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean viaHuc = client == null || t % 2 == 0;
            Thread worker =
                    new Thread(
                            () -> {
                                try {
                                    start.await();
                                    for (int i = 0; i < calls; i++) {
                                        int status = viaHuc ? huc(endpoint) : jdk(client, endpoint);
                                        if (status == 200) {
                                            ok.incrementAndGet();
                                        } else {
                                            failed.incrementAndGet();
                                            synchronized (failures) {
                                                failures.add(String.valueOf(status));
                                            }
                                        }
                                        if (pauseMillis > 0) {
                                            Thread.sleep(pauseMillis);
                                        }
                                    }
                                } catch (Exception e) {
                                    failed.incrementAndGet();
                                    synchronized (failures) {
                                        failures.add(e.toString());
                                    }
                                }
                            },
                            "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println(
                "ok="
                        + ok.get()
                        + " failed="
                        + failed.get()
                        + (failures.isEmpty() ? "" : " " + failures));
    }

    static int huc(String endpoint) throws Exception {
        HttpURLConnection c =
                (HttpURLConnection)
                        new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
        int status = c.getResponseCode();
        try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (body != null) {
                AppStreams.readAll(body);
            }
        }
        return status;
    }

    static int jdk(JavaNetHttp client, String endpoint) throws Exception {
        Object request = client.get(endpoint + "/latest/meta-data/instance-id");
        try {
            return JavaNetHttp.status(client.send.invoke(client.client, request, client.ofString));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw JavaNetHttp.unwrap(e);
        }
    }
}
