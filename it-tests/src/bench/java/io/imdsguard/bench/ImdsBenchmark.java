package io.imdsguard.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * IMDS reads through {@link HttpURLConnection} against the mock IMDS on loopback (named by
 * {@code bench.imds.url}, and to the agent by its {@code endpoint} key): a legacy v1 read, and the
 * same read by a native v2 client that fetches and caches its own token, as the AWS SDKs do.
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

    /** What legacy code does: a plain GET, which the agent sees as v1. */
    @Benchmark
    public int v1() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) metadata.openConnection();
        return read(connection);
    }

    /** A v2 client that manages its own token: one PUT, reused until 80 % of its TTL. */
    @Benchmark
    public int v2Native() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) metadata.openConnection();
        connection.setRequestProperty("X-aws-ec2-metadata-token", token());
        return read(connection);
    }

    private String token() throws IOException {
        long now = System.nanoTime();
        if (token == null || now - tokenRefreshAt >= 0) {
            HttpURLConnection put = (HttpURLConnection) tokenUrl.openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(TOKEN_TTL_SECONDS));
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
