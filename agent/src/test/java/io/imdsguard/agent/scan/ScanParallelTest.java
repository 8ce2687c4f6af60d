package io.imdsguard.agent.scan;

import static io.imdsguard.agent.scan.TestClasses.bootJar;
import static io.imdsguard.agent.scan.TestClasses.classWith;
import static io.imdsguard.agent.scan.TestClasses.entries;
import static io.imdsguard.agent.scan.TestClasses.jar;
import static io.imdsguard.agent.scan.TestClasses.pom;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan on several threads reports exactly what it reports on one, in the same order; and it
 * never inflates an entry that cannot matter. The IMDS addresses are string constants in class
 * files built here and read as bytes: nothing is loaded or run and no socket is opened.
 */
class ScanParallelTest {

    private static final String V1_URL = "http://169.254.169.254/latest/meta-data/placement/region";

    @TempDir Path dir;

    private Path write(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    private static ScanResult scan(int threads, long maxEntryBytes, Path... inputs) {
        return new ArchiveWalker(
                        LibraryTable.load(),
                        new ScanProgress(new PrintStream(new ByteArrayOutputStream()), false),
                        maxEntryBytes,
                        threads)
                .scan(Arrays.asList(inputs));
    }

    private static byte[] library(int n, int classes) throws Exception {
        Map<String, Object> entries =
                entries(
                        "META-INF/maven/org.acme/lib" + n + "/pom.properties",
                        pom("org.acme", "lib" + n, "1." + n));
        for (int i = 0; i < classes; i++) {
            entries.put(
                    "org/acme/lib" + n + "/Plain" + i + ".class",
                    classWith("org/acme/lib" + n + "/Plain" + i, 1, "run", "hello " + i));
        }
        entries.put(
                "org/acme/lib" + n + "/Legacy.class",
                classWith("org/acme/lib" + n + "/Legacy", 10 + n, "region", V1_URL));
        return jar(entries);
    }

    @Test
    void manyThreadsReportWhatOneThreadReportsInTheSameOrder() throws Exception {
        Map<String, Object> app =
                entries(
                        "META-INF/MANIFEST.MF",
                        "Manifest-Version: 1.0\n\n",
                        "BOOT-INF/classes/com/acme/App.class",
                        classWith("com/acme/App", 5, "main", V1_URL));
        // the first library is the largest: on many threads it ends last, and must still come first
        app.put("BOOT-INF/lib/lib0-1.0.jar", library(0, 2000));
        for (int n = 1; n < 12; n++) {
            app.put("BOOT-INF/lib/lib" + n + "-1." + n + ".jar", library(n, 5));
        }
        app.put("BOOT-INF/lib/broken.jar", "not a zip");
        app.put(
                "BOOT-INF/lib/outer.jar",
                bootJar(
                        entries(
                                "lib/inner.jar",
                                library(20, 3),
                                "com/acme/Outer.class",
                                classWith("com/acme/Outer", 7, "zone", V1_URL))));
        app.put("BOOT-INF/lib/odd.jar", jar(entries("com/acme/Odd.class", "not a class")));
        Path fat = write("app.jar", bootJar(app));
        // a compressed nested jar (a WAR's WEB-INF/lib), and a folder of archives as a second input
        Path war =
                write(
                        "apps/shop.war",
                        jar(
                                entries(
                                        "WEB-INF/lib/lib30-1.0.jar",
                                        library(30, 50),
                                        "WEB-INF/classes/com/acme/Shop.class",
                                        classWith("com/acme/Shop", 3, "region", V1_URL))));
        write("apps/more/lib31-1.0.jar", library(31, 300));
        write("apps/more/lib32-1.0.jar", library(32, 3));

        ScanResult one = scan(1, ArchiveWalker.MAX_ENTRY_BYTES, fat, dir.resolve("apps"));
        List<String> expected = new ArrayList<String>();
        expected.add(fat + "!/BOOT-INF/lib/lib0-1.0.jar");
        for (int n = 1; n < 12; n++) {
            expected.add(fat + "!/BOOT-INF/lib/lib" + n + "-1." + n + ".jar");
        }
        expected.add(fat + "!/BOOT-INF/lib/outer.jar!/lib/inner.jar");
        expected.add(fat + "!/BOOT-INF/lib/outer.jar");
        expected.add(fat + "!/BOOT-INF/lib/odd.jar");
        expected.add(fat.toString());
        // Files.walkFileTree visits a folder's entries in the file system's order
        List<String> apps = new ArrayList<String>();
        for (Artifact artifact : one.artifacts) {
            if (artifact.path.startsWith(dir.resolve("apps").toString())) {
                apps.add(artifact.path);
            }
        }
        assertEquals(expected, paths(one).subList(0, expected.size()));
        assertEquals(
                new ArrayList<String>(
                        Arrays.asList(
                                war + "!/WEB-INF/lib/lib30-1.0.jar",
                                war.toString(),
                                dir.resolve("apps/more/lib31-1.0.jar").toString(),
                                dir.resolve("apps/more/lib32-1.0.jar").toString())),
                sortedWarFirst(apps, war));
        assertEquals(
                Arrays.asList(
                        fat + "!/BOOT-INF/lib/broken.jar: not a zip archive, though named like one",
                        fat
                                + "!/BOOT-INF/lib/odd.jar!/com/acme/Odd.class: not a class file that parses ("),
                truncated(one.problems));
        // lib0..lib11, inner, Outer, App, Shop, lib30, lib31, lib32
        assertEquals(12 + 1 + 1 + 1 + 1 + 3, one.findings.size());

        for (int threads : new int[] {2, 3, 8}) {
            for (int round = 0; round < 3; round++) {
                ScanResult many =
                        scan(threads, ArchiveWalker.MAX_ENTRY_BYTES, fat, dir.resolve("apps"));
                // the one thing that may differ: the seconds it took
                many.nanos = one.nanos;
                assertEquals(paths(one), paths(many), threads + " threads");
                assertEquals(one.problems, many.problems, threads + " threads");
                assertEquals(ScanText.render(one), ScanText.render(many), threads + " threads");
                assertEquals(one.classes, many.classes);
                assertEquals(one.archives, many.archives);
                assertEquals(one.bytes, many.bytes);
            }
        }
    }

    @Test
    void anEntryThatCannotMatterIsNotEvenInflatedSoABombInItIsHarmless() throws Exception {
        Path bomb =
                write(
                        "bomb.jar",
                        jar(
                                entries(
                                        "zeros.bin",
                                        new byte[3 * 1024 * 1024],
                                        "com/acme/After.class",
                                        classWith("com/acme/After", 42, "region", V1_URL))));
        Path stored =
                write(
                        "boot.jar",
                        bootJar(
                                entries(
                                        "BOOT-INF/lib/inner.jar",
                                        jar(
                                                entries(
                                                        "zeros.bin",
                                                        new byte[3 * 1024 * 1024],
                                                        "com/acme/Inner.class",
                                                        classWith(
                                                                "com/acme/Inner",
                                                                42,
                                                                "region",
                                                                V1_URL))))));

        ScanResult result = scan(2, 1024 * 1024, bomb, stored);

        assertEquals(Collections.<String>emptyList(), result.problems);
        assertEquals(
                Arrays.asList("com.acme.After", "com.acme.Inner"),
                Arrays.asList(
                        result.findings.get(0).className(), result.findings.get(1).className()));
    }

    private static List<String> paths(ScanResult result) {
        List<String> paths = new ArrayList<String>();
        for (Artifact artifact : result.artifacts) {
            paths.add(artifact.path);
        }
        return paths;
    }

    /**
     * The folder's two inputs in a fixed order: the WAR's pair first (nested, then itself), then
     * the jars by name.
     */
    private static List<String> sortedWarFirst(List<String> apps, Path war) {
        List<String> warPair = new ArrayList<String>();
        List<String> rest = new ArrayList<String>();
        for (String path : apps) {
            (path.startsWith(war.toString()) ? warPair : rest).add(path);
        }
        Collections.sort(rest);
        warPair.addAll(rest);
        return warPair;
    }

    private static List<String> truncated(List<String> problems) {
        List<String> cut = new ArrayList<String>();
        for (String problem : problems) {
            int paren = problem.indexOf('(');
            cut.add(paren < 0 ? problem : problem.substring(0, paren + 1));
        }
        return cut;
    }
}
