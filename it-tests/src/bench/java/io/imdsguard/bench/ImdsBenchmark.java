package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * IMDS reads through {@link HttpURLConnection} against the mock IMDS on loopback (named by {@code
 * bench.imds.url}, and to the agent by its {@code endpoint} key): a legacy v1 read, and the same
 * read by a native v2 client that fetches and caches its own token, as the AWS SDKs do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ImdsBenchmark {

    static final int TOKEN_TTL_SECONDS = 21600;

    private URL metadata;
    private URL tokenUrl;
    private String token;
    private long tokenRefreshAt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String endpoint = System.getProperty("bench.imds.url");
        metadata = new URL(endpoint + "/latest/meta-data/instance-id");
        tokenUrl = new URL(endpoint + "/latest/api/token");
    }

    /**
     * The calling thread's CPU time and its calls, per iteration. A read's latency on loopback also
     * holds the mock server's work on the same cores, and varies from fork to fork more than the
     * agent's cost; what the agent adds to a call is CPU time on the calling thread, which this
     * measures alone.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CallerCpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long calls;
        private long thread;
        private long startedAt;
        private long used = -1;

        @Setup(Level.Iteration)
        public void start() {
            calls = 0;
            used = -1;
            thread = Thread.currentThread().getId();
            startedAt = THREADS.getThreadCpuTime(thread);
        }

        @TearDown(Level.Iteration)
        public void stop() {
            used = THREADS.getThreadCpuTime(thread) - startedAt;
        }

        /** Read by JMH, perhaps on another thread and before {@link #stop}: hence by thread id. */
        public long cpuNanos() {
            return used >= 0 ? used : THREADS.getThreadCpuTime(thread) - startedAt;
        }
    }

    /** What legacy code does: a plain GET, which the agent sees as v1. */
    @Benchmark
    public int v1(CallerCpu cpu) throws IOException {
        cpu.calls++;
        HttpURLConnection connection = (HttpURLConnection) metadata.openConnection();
        return read(connection);
    }

    /** A v2 client that manages its own token: one PUT, reused until 80 % of its TTL. */
    @Benchmark
    public int v2Native(CallerCpu cpu) throws IOException {
        cpu.calls++;
        HttpURLConnection connection = (HttpURLConnection) metadata.openConnection();
        connection.setRequestProperty("X-aws-ec2-metadata-token", token());
        return read(connection);
    }

    private String token() throws IOException {
        long now = System.nanoTime();
        if (token == null || now - tokenRefreshAt >= 0) {
            HttpURLConnection put = (HttpURLConnection) tokenUrl.openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty(
                    "X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(TOKEN_TTL_SECONDS));
            try (InputStream in = put.getInputStream()) {
                token = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            }
            tokenRefreshAt = now + TimeUnit.SECONDS.toNanos(TOKEN_TTL_SECONDS * 8L / 10);
        }
        return token;
    }

    private static int read(HttpURLConnection connection) throws IOException {
        int status = connection.getResponseCode();
        if (status != 200) {
            throw new IOException("IMDS answered " + status);
        }
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes().length + status;
        }
    }
}
