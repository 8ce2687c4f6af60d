package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The JVM {@link ScanBench} starts: {@code scan AGENT_JAR FAT_JAR} runs the agent's scan command on
 * the jar (loaded from the agent jar, as {@code java -jar imds-guard-agent.jar scan} runs it);
 * {@code inflate AGENT_JAR FAT_JAR} only inflates every entry, nested archives' entries too, and
 * {@code inflate-parallel} does the same with a thread per core. Prints the seconds it took (JVM
 * start excluded) and the process's peak resident memory.
 */
public final class ScanProbe {

    private ScanProbe() {}

    public static void main(String[] args) throws Exception {
        Path fat = Paths.get(args[2]);
        int exit = 0;
        long start;
        if (args[0].equals("scan")) {
            URLClassLoader agent =
                    new URLClassLoader(new URL[] {Paths.get(args[1]).toUri().toURL()}, null);
            Class<?> command = Class.forName("io.imdsguard.agent.scan.ScanCommand", true, agent);
            Object scan = command.getConstructor().newInstance();
            Method run = command.getMethod("run", List.class, PrintStream.class, PrintStream.class);
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
            start = System.nanoTime();
            exit = (Integer) run.invoke(scan, List.of(fat.toString()), discard, discard);
        } else if (args[0].equals("inflate-parallel")) {
            start = System.nanoTime();
            inflateParallel(fat);
        } else {
            start = System.nanoTime();
            try (InputStream in = Files.newInputStream(fat)) {
                inflate(in, new byte[64 * 1024]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // exit 1 (IMDSv1 callers found) is the expected verdict for the SDK v1 1.11 jars inside
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "scanprobe seconds=%.4f hwm=%d exit=%d",
                        seconds,
                        hwmKb(),
                        exit));
        System.exit(exit == 2 ? 2 : 0);
    }

    private static void inflate(InputStream in, byte[] buffer) throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
            String name = entry.getName();
            if (name.endsWith(".jar") || name.endsWith(".war") || name.endsWith(".ear")) {
                inflate(new NonClosing(zip), buffer);
            } else {
                while (zip.read(buffer) >= 0) {
                    // discard: the floor is inflating, nothing more
                }
            }
        }
    }

    /**
     * The same inflating, with each nested archive on one of a pool of one thread per core: what
     * the machine can inflate at most, the ceiling of a scan that inflates every class.
     */
    private static void inflateParallel(Path fat) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(fat.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                done.add(
                        pool.submit(
                                () -> {
                                    try (InputStream in = zip.getInputStream(entry)) {
                                        byte[] buffer = new byte[64 * 1024];
                                        if (entry.getName().endsWith(".jar")) {
                                            inflate(in, buffer);
                                        } else {
                                            while (in.read(buffer) >= 0) {
                                                // discard
                                            }
                                        }
                                    }
                                    return null;
                                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static long hwmKb() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A nested archive's stream that leaves the outer one open. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
