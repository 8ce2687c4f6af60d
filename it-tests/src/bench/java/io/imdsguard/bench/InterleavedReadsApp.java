package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The interleaved rewrite benchmark's application, run with the agent in rewrite mode: in one JVM,
 * blocks of legacy v1 reads (which the agent rewrites) alternate with blocks of the same reads made
 * as v2 by the application itself, with a token it fetched once (which the agent lets pass). Both
 * kinds share the JVM, its compiled code and the mock's state, and each block of one kind has a
 * block of the other right beside it in time, so the pair differs by what the agent does to a v1
 * call and little else: forks of separate JVMs differ from each other by tens of percent on
 * loopback here.
 *
 * <p>Prints, per measured round, one line {@code pair native=<µs> rewritten=<µs> nativeCpu=<µs>
 * rewrittenCpu=<µs>}: wall time and the calling thread's CPU time, per read.
 */
public final class InterleavedReadsApp {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private InterleavedReadsApp() {}

    /**
     * @param args endpoint, reads per block, warm-up seconds, measured rounds
     */
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int reads = Integer.parseInt(args[1]);
        long warmUpNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        int rounds = Integer.parseInt(args[3]);
        URL metadata = new URL(endpoint + "/latest/meta-data/instance-id");
        String token = ServerWarmUp.token(endpoint, ImdsBenchmark.TOKEN_TTL_SECONDS);
        // Until the JIT has compiled both paths: a measured round must be steady state for both
        // kinds.
        long warmUpEnd = System.nanoTime() + warmUpNanos;
        while (System.nanoTime() < warmUpEnd) {
            block(metadata, null, reads);
            block(metadata, token, reads);
        }
        for (int round = 0; round < rounds; round++) {
            // The order alternates, so that neither kind always follows the other.
            long[] nativeRead;
            long[] rewritten;
            if (round % 2 == 0) {
                nativeRead = block(metadata, token, reads);
                rewritten = block(metadata, null, reads);
            } else {
                rewritten = block(metadata, null, reads);
                nativeRead = block(metadata, token, reads);
            }
            System.out.printf(
                    java.util.Locale.ROOT,
                    "pair native=%.3f rewritten=%.3f nativeCpu=%.3f rewrittenCpu=%.3f%n",
                    nativeRead[0] / 1000.0 / reads,
                    rewritten[0] / 1000.0 / reads,
                    nativeRead[1] / 1000.0 / reads,
                    rewritten[1] / 1000.0 / reads);
        }
    }

    /**
     * @return wall and CPU nanoseconds of {@code reads} reads; v1 when {@code token} is null
     */
    private static long[] block(URL metadata, String token, int reads) throws IOException {
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < reads; i++) {
            HttpURLConnection connection = (HttpURLConnection) metadata.openConnection();
            if (token != null) {
                connection.setRequestProperty("X-aws-ec2-metadata-token", token);
            }
            int status = connection.getResponseCode();
            if (status != 200) {
                // The mock requires tokens: a v1 read the agent did not rewrite fails here.
                throw new IOException(
                        "IMDS answered "
                                + status
                                + (token == null ? " to a v1 read" : " to a v2 read"));
            }
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        }
        return new long[] {System.nanoTime() - wall, THREADS.getCurrentThreadCpuTime() - cpu};
    }
}
