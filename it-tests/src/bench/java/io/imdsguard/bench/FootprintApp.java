package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The footprint benchmark's application: makes IMDS v1 and v2-less reads through HttpURLConnection
 * and java.net.http against the mock IMDS (so an agent has done its work, call sites included),
 * then, after full GCs, prints what the JVM holds: live heap, metaspace, loaded classes, and the
 * native memory tracker's committed total (run with -XX:NativeMemoryTracking=summary).
 */
public final class FootprintApp {

    private FootprintApp() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        URL url = new URL(endpoint + "/latest/meta-data/instance-id");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.toString())).build();
        for (int i = 0; i < 50; i++) {
            HttpURLConnection connection = (HttpURLConnection) url.openConnection();
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long metaspace = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                metaspace = pool.getUsage().getUsed();
            }
        }
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.println(
                "footprint heap="
                        + heap
                        + " metaspace="
                        + metaspace
                        + " classes="
                        + classes
                        + " threads="
                        + threads
                        + " nmtCommitted="
                        + nmtCommittedBytes());
    }

    /**
     * The committed total of NMT's summary, asked of the JVM itself (as jcmd VM.native_memory
     * would).
     */
    private static long nmtCommittedBytes() throws IOException {
        try {
            String summary =
                    (String)
                            ManagementFactory.getPlatformMBeanServer()
                                    .invoke(
                                            new ObjectName(
                                                    "com.sun.management:type=DiagnosticCommand"),
                                            "vmNativeMemory",
                                            new Object[] {new String[] {"summary"}},
                                            new String[] {String[].class.getName()});
            Matcher total =
                    Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB")
                            .matcher(summary);
            return total.find() ? Long.parseLong(total.group(2)) * 1024 : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
