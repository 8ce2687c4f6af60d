package io.imdsguard.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code scan} on a Spring-Boot-style fat jar of at least {@value #MIN_MB} MB: its throughput in MB
 * of archive per second, against merely inflating every entry of the same archive (nested jars
 * included: the least any scanner must do, on one thread and on one thread per core), each in a
 * fresh JVM, interleaved; and the scan JVM's peak resident memory.
 */
final class ScanBench {

    static final int MIN_MB = 100;
    private static final Pattern LINE =
            Pattern.compile("scanprobe seconds=([0-9.]+) hwm=(\\d+) exit=(-?\\d+)");
    private static final String SECTION = "scan (fat jar)";
    private static final int HEAP_MB = 64;

    private final BenchSettings settings;

    ScanBench(BenchSettings settings) {
        this.settings = settings;
    }

    List<Result> run() throws Exception {
        Path fat = settings.out().resolve("scan-bench-app.jar");
        int[] copies = new int[1];
        int jars = buildFatJar(fat, copies);
        double mb = Files.size(fat) / (1024.0 * 1024.0);
        Progress.say(
                String.format(
                        Locale.ROOT,
                        "scan: %s, %.0f MB, %d nested jars (the SDK jars repeated %d time(s))",
                        fat,
                        mb,
                        jars,
                        copies[0]));
        int rounds = settings.quick() ? 2 : 5;
        List<Double> scan = new ArrayList<>();
        List<Double> inflate = new ArrayList<>();
        List<Double> inflateParallel = new ArrayList<>();
        List<Double> scanRss = new ArrayList<>();
        List<Double> inflateRss = new ArrayList<>();
        // one warm-up pair fills the page cache, so that every measured round reads from memory
        probe("scan", fat);
        probe("inflate", fat);
        for (int round = 0; round < rounds; round++) {
            Progress.say("scan: round " + (round + 1) + "/" + rounds);
            Matcher s = probe("scan", fat);
            Matcher i = probe("inflate", fat);
            inflateParallel.add(mb / Double.parseDouble(probe("inflate-parallel", fat).group(1)));
            scan.add(mb / Double.parseDouble(s.group(1)));
            inflate.add(mb / Double.parseDouble(i.group(1)));
            scanRss.add(Long.parseLong(s.group(2)) / 1024.0);
            inflateRss.add(Long.parseLong(i.group(2)) / 1024.0);
        }
        List<Double> ratios = Stats.ratios(scan, inflate);
        double ratio = Stats.median(ratios);
        double speed = Stats.median(scan);
        List<Result> results = new ArrayList<>();
        results.add(
                new Result(
                        SECTION,
                        String.format(Locale.ROOT, "throughput on %.0f MB", mb),
                        "inflate only",
                        Stats.median(inflate),
                        "scan",
                        speed,
                        "MB/s",
                        ratio,
                        Stats.quantile(ratios, 0.25),
                        Stats.quantile(ratios, 0.75),
                        ratios.size(),
                        ">= 100 MB/s and >= 0.5 x inflate only",
                        speed >= 100 && ratio >= 0.5,
                        jars + " nested jars, SDK v1 and v2 jars repeated " + copies[0] + "x"));
        // the scan inflates on every core, and only the constant pools of classes: this is how far
        // merely inflating everything gets on the same cores, what decides whether 100 MB/s is in
        // reach
        results.add(
                Result.of(
                        SECTION,
                        String.format(Locale.ROOT, "throughput on %.0f MB, every core", mb),
                        "inflate only, a thread per core",
                        inflateParallel,
                        "scan",
                        scan,
                        "MB/s",
                        null,
                        null,
                        Runtime.getRuntime().availableProcessors()
                                + " cores; the scan uses one worker per core"));
        results.add(
                Result.of(
                        SECTION,
                        "peak RSS (VmHWM) of the JVM",
                        "inflate only",
                        inflateRss,
                        "scan",
                        scanRss,
                        "MB",
                        null,
                        null,
                        "-Xmx" + HEAP_MB + "m; the whole JVM, itself included"));
        return results;
    }

    /** One fresh JVM that scans (or only inflates) the jar and prints its time and peak RSS. */
    private Matcher probe(String what, Path fat) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // a small fixed heap: peak RSS then shows whether the scan's memory stays bounded, not how
        // lazily a default-sized heap is collected
        List<String> command =
                List.of(
                        java,
                        "-Xmx" + HEAP_MB + "m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ScanProbe.class.getName(),
                        what,
                        settings.agentJar().toString(),
                        fat.toString());
        Process process =
                ProcessTimer.withoutAgentSettings(new ProcessBuilder(command))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher line = LINE.matcher(out);
        if (process.exitValue() != 0 || !line.find()) {
            throw new IllegalStateException(
                    "scan probe " + what + " failed (exit " + process.exitValue() + "): " + out);
        }
        return line;
    }

    /**
     * BOOT-INF/lib/ with every jar the build copied for the tests (it-tests target/client-libs: the
     * SDK v1 1.11 and 1.12 with their dependencies, and the HTTP client libraries, Spring, Jetty,
     * Guava; target/scan-artifacts), the SDK v2 2.30.0 modules in ~/.m2 and the demo jar. They come
     * to about 40 MB, so they are repeated under numbered folders until the jar reaches {@value
     * #MIN_MB} MB. Nested jars are stored, as Spring Boot does.
     */
    private int buildFatJar(Path fat, int[] copies) throws IOException {
        Path target = settings.out().getParent();
        List<Path> libs = new ArrayList<>();
        libs.addAll(jarsUnder(target.resolve("client-libs")));
        libs.addAll(jarsUnder(target.resolve("scan-artifacts")));
        Path v2 =
                Paths.get(
                        System.getProperty("user.home"),
                        ".m2",
                        "repository",
                        "software",
                        "amazon",
                        "awssdk");
        libs.addAll(
                jarsUnder(v2).stream()
                        .filter(p -> p.getFileName().toString().endsWith("-2.30.0.jar"))
                        .collect(Collectors.toList()));
        libs.add(settings.demoJar());
        // client-libs has folders per library version; a jar in two of them is one library here
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path lib : libs) {
            byName.putIfAbsent(lib.getFileName().toString(), lib);
        }
        libs = new ArrayList<>(byName.values());
        if (libs.size() < 10) {
            throw new IllegalStateException(
                    "too few SDK jars found under "
                            + target
                            + " and "
                            + v2
                            + "; run the bench through mvn -B -Pbench verify");
        }
        long written = 0;
        int jars = 0;
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(fat))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write(
                    "Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\n\n"
                            .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            while (written < MIN_MB * 1024L * 1024L) {
                copies[0]++;
                for (Path lib : libs) {
                    byte[] content = Files.readAllBytes(lib);
                    stored(
                            zip,
                            "BOOT-INF/lib/"
                                    + (copies[0] == 1 ? "" : "copy-" + copies[0] + "/")
                                    + lib.getFileName(),
                            content);
                    written += content.length;
                    jars++;
                }
            }
        }
        return jars;
    }

    private static List<Path> jarsUnder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(
                            p ->
                                    p.getFileName().toString().endsWith(".jar")
                                            && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] content)
            throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        OutputStream out = zip;
        out.write(content);
        zip.closeEntry();
    }
}
