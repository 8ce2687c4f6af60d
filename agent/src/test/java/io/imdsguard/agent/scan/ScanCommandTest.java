package io.imdsguard.agent.scan;

import static io.imdsguard.agent.scan.TestClasses.classWith;
import static io.imdsguard.agent.scan.TestClasses.entries;
import static io.imdsguard.agent.scan.TestClasses.jar;
import static io.imdsguard.agent.scan.TestClasses.pom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.check.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IMDS addresses here are string constants inside class files built in the test, which the scan
 * reads as bytes: nothing is loaded or run and no socket is opened, so no network namespace is
 * needed.
 */
class ScanCommandTest {

    private static final String V1_URL = "http://169.254.169.254/latest/meta-data/placement/region";

    @TempDir Path dir;

    private String stdout;
    private String stderr;

    private int scan(Object... args) {
        return run(new ScanCommand(false), args);
    }

    private int check(Object... args) {
        return run(new CheckCommand(), args);
    }

    private int run(io.imdsguard.agent.command.Command command, Object... args) {
        List<String> list = new ArrayList<String>();
        for (Object arg : args) {
            list.add(arg.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(list, new PrintStream(out, true), new PrintStream(err, true));
        stdout = new String(out.toByteArray(), StandardCharsets.UTF_8);
        stderr = new String(err.toByteArray(), StandardCharsets.UTF_8);
        return code;
    }

    private Path write(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    private static byte[] oldSdkCore(String version) throws Exception {
        return jar(
                entries(
                        "META-INF/maven/com.amazonaws/aws-java-sdk-core/pom.properties",
                        pom("com.amazonaws", "aws-java-sdk-core", version),
                        "com/amazonaws/util/EC2MetadataUtils.class",
                        classWith(
                                "com/amazonaws/util/EC2MetadataUtils",
                                95,
                                "getAmiId",
                                "/latest/meta-data/ami-id")));
    }

    @Test
    void handWrittenV1CodeInAJarIsAV1CallerWithItsMethodAndTheFix() throws Exception {
        Path app =
                write(
                        "billing-1.0.jar",
                        jar(
                                entries(
                                        "com/acme/Legacy.class",
                                                classWith("com/acme/Legacy", 42, "region", V1_URL),
                                        "com/acme/Plain.class",
                                                classWith("com/acme/Plain", 1, "run", "hello"))));

        assertEquals(1, scan(app), stdout + stderr);
        assertTrue(
                stdout.contains(
                        "artifact "
                                + app
                                + "\n  coordinates billing:1.0 (file name)\n"
                                + "  v1 only: com.acme.Legacy.region(Legacy.java:42) uses \""
                                + V1_URL
                                + "\"\n"
                                + "      fix: request a token first (PUT /latest/api/token"),
                stdout);
        assertTrue(stdout.contains("totals: 1 archive(s), 2 class(es) in "), stdout);
        assertTrue(
                stdout.contains(
                        "summary: NOT READY: 1 IMDSv1 caller(s) in 1 artifact(s) will fail under "
                                + "HttpTokens=required\n"),
                stdout);
        assertTrue(
                stderr.startsWith(
                        "imds-guard scan: 1 archive(s), 2 class(es), 1 finding(s), 0 problem(s) in "),
                stderr);
    }

    @Test
    void aTokenInTheSameNestMakesItV2AndNothingToFix() throws Exception {
        Path classes = dir.resolve("classes");
        write(
                "classes/com/acme/Meta.class",
                classWith(
                        "com/acme/Meta",
                        10,
                        "token",
                        "/latest/api/token",
                        "X-aws-ec2-metadata-token-ttl-seconds"));
        write(
                "classes/com/acme/Meta$Reader.class",
                classWith(
                        "com/acme/Meta$Reader",
                        20,
                        "read",
                        "http://169.254.169.254/latest/meta-data/instance-id",
                        "X-aws-ec2-metadata-token"));

        assertEquals(0, scan(classes), stdout + stderr);
        assertTrue(stdout.contains("  v2: com.acme.Meta$Reader.read(Meta.java:20)"), stdout);
        assertTrue(
                stdout.contains("summary: READY: no IMDSv1 caller found in 1 artifact(s)"), stdout);
    }

    @Test
    void aV1ReadBesideV2ReadsInOneClassIsStillV1() throws Exception {
        java.util.Map<String, String[]> methods = new java.util.LinkedHashMap<String, String[]>();
        methods.put(
                "token",
                new String[] {"/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds"});
        methods.put("v2Read", new String[] {"/latest/meta-data/ami-id", "call:token"});
        methods.put("v1Read", new String[] {"/latest/meta-data/instance-id", "call:helper"});
        methods.put("helper", new String[] {"hello"});
        Path app =
                write(
                        "mixed.jar",
                        jar(
                                entries(
                                        "com/acme/Mixed.class",
                                        classWith("com/acme/Mixed", 8, methods))));

        assertEquals(1, scan(app), stdout + stderr);
        assertTrue(stdout.contains("  v2: com.acme.Mixed.v2Read(Mixed.java:8)"), stdout);
        assertTrue(stdout.contains("  v1 only: com.acme.Mixed.v1Read(Mixed.java:8)"), stdout);
        assertTrue(stdout.contains("summary: NOT READY: 1 IMDSv1 caller(s)"), stdout);
    }

    @Test
    void anOldSdkNestedInAFatJarIsFoundByItsCoordinatesWithItsNestedPath() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "BOOT-INF/classes/com/acme/App.class",
                                                classWith("com/acme/App", 5, "main", "hello"),
                                        "BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar",
                                                oldSdkCore("1.11.500"),
                                        "BOOT-INF/lib/war-in-jar.war",
                                                jar(
                                                        entries(
                                                                "WEB-INF/lib/regions-2.30.0.jar",
                                                                jar(
                                                                        entries(
                                                                                "software/amazon/awssdk/regions/internal/util/EC2MetadataUtils.class",
                                                                                classWith(
                                                                                        "software/amazon/awssdk/regions/internal/util/EC2MetadataUtils",
                                                                                        9,
                                                                                        "get",
                                                                                        "/latest/meta-data/ami-id"))))))));

        assertEquals(1, scan(app), stdout + stderr);
        assertTrue(
                stdout.contains(
                        "artifact "
                                + app
                                + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar\n"
                                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.500 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.500: v1 only\n"
                                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                stdout);
        assertTrue(
                stdout.contains(
                        "      com.amazonaws.util.EC2MetadataUtils.getAmiId(EC2MetadataUtils.java:95)"),
                stdout);
        // an SDK v2 module known by its file name alone, two archives deep
        assertTrue(
                stdout.contains(
                        "artifact "
                                + app
                                + "!/BOOT-INF/lib/war-in-jar.war!/WEB-INF/lib/regions-2.30.0.jar\n"
                                + "  coordinates regions:2.30.0 (file name)\n"
                                + "  library software.amazon.awssdk:regions:2.30.0: v2 with v1 fallback\n"
                                + "      fix: set system property aws.disableEc2MetadataV1=true"),
                stdout);
        assertTrue(stdout.contains("totals: 4 archive(s), 3 class(es)"), stdout);
        assertTrue(
                stdout.contains("summary: NOT READY: 1 IMDSv1 caller(s) in 1 artifact(s)"), stdout);
    }

    @Test
    void aShadedSdkCopyIsRecognisedByItsClassesAndJudgedByItsCode() throws Exception {
        String prefix = "org/acme/shaded/";
        Path v1 =
                write(
                        "uber-v1.jar",
                        jar(
                                entries(
                                        prefix + "com/amazonaws/util/EC2MetadataUtils.class",
                                        classWith(
                                                prefix + "com/amazonaws/util/EC2MetadataUtils",
                                                95,
                                                "getAmiId",
                                                "/latest/meta-data/ami-id"))));
        Path v2 =
                write(
                        "uber-v2.jar",
                        jar(
                                entries(
                                        prefix + "com/amazonaws/util/EC2MetadataUtils.class",
                                        classWith(
                                                prefix + "com/amazonaws/util/EC2MetadataUtils",
                                                95,
                                                "getAmiId",
                                                "/latest/meta-data/ami-id"),
                                        prefix + "com/amazonaws/internal/Fetcher.class",
                                        classWith(
                                                prefix + "com/amazonaws/internal/Fetcher",
                                                12,
                                                "token",
                                                "/latest/api/token"))));

        assertEquals(1, scan(v1, v2), stdout + stderr);
        assertTrue(
                stdout.contains(
                        "artifact "
                                + v1
                                + "\n  coordinates uber-v1:? (file name)\n"
                                + "  library a copy of com.amazonaws:aws-java-sdk-core (version unknown): v1 only\n"
                                + "      fix: upgrade the com.amazonaws:aws-java-sdk-core that this archive bundles under "
                                + "org.acme.shaded to >= 1.11.678"),
                stdout);
        assertTrue(
                stdout.contains(
                        "artifact "
                                + v2
                                + "\n  coordinates uber-v2:? (file name)\n"
                                + "  library a copy of com.amazonaws:aws-java-sdk-core (version unknown): v2 with v1 fallback\n"),
                stdout);
    }

    @Test
    void aHelperThatSendsForAV2AndAV1MethodLeavesTheV1MethodV1() throws Exception {
        java.util.Map<String, String[]> methods = new java.util.LinkedHashMap<String, String[]>();
        methods.put("modern", new String[] {"/latest/api/token", "call:send(Ljava/lang/String;)V"});
        methods.put("legacy", new String[] {V1_URL, "call:send(Ljava/lang/String;)V"});
        methods.put("send", new String[] {});
        Path app =
                write(
                        "mixed-1.0.jar",
                        jar(
                                entries(
                                        "com/acme/Mixed.class",
                                        classWith("com/acme/Mixed", 7, methods))));

        assertEquals(1, scan(app), stdout + stderr);
        assertTrue(stdout.contains("  v1 only: com.acme.Mixed.legacy(Mixed.java:7) uses"), stdout);
        assertTrue(stdout.contains("  v2: com.acme.Mixed.modern(Mixed.java:7) uses"), stdout);
        assertTrue(
                stdout.contains(
                        ": com.acme.Mixed.send(Mixed.java:7) uses \"/latest/api/token\" (called with it by "
                                + "modern)"),
                stdout);
    }

    @Test
    void badInputsAreEachReportedAndTheScanGoesOnWithExit2() throws Exception {
        Path good =
                write(
                        "good.jar",
                        jar(
                                entries(
                                        "com/acme/Legacy.class",
                                        classWith("com/acme/Legacy", 42, "region", V1_URL))));
        Path notZip = write("notes.jar", "just text".getBytes(StandardCharsets.UTF_8));
        Path text = write("readme.txt", "just text".getBytes(StandardCharsets.UTF_8));
        Path broken =
                write(
                        "broken.jar",
                        jar(
                                entries(
                                        "com/acme/Broken.class",
                                        "not a class".getBytes(),
                                        "com/acme/Legacy.class",
                                        classWith("com/acme/Legacy", 42, "region", V1_URL))));
        byte[] truncated =
                Arrays.copyOf(
                        jar(
                                entries(
                                        "com/acme/Legacy.class",
                                        classWith("com/acme/Legacy", 42, "region", V1_URL),
                                        "padding.bin",
                                        new byte[20000])),
                        200);
        Path cut = write("cut.jar", truncated);
        byte[] deep = jar(entries("x.class", "x"));
        for (int i = 0; i < ArchiveWalker.MAX_NESTING + 1; i++) {
            deep = jar(entries("lib/level" + i + ".jar", deep));
        }
        Path nested = write("deep.jar", deep);
        Path missing = dir.resolve("missing.jar");

        assertEquals(2, scan(missing, notZip, text, broken, cut, nested, good), stdout + stderr);
        assertTrue(
                stderr.contains("imds-guard scan: " + missing + ": no such file or folder\n"),
                stderr);
        assertTrue(
                stderr.contains(
                        "imds-guard scan: "
                                + notZip
                                + ": not a zip archive, though named like one\n"),
                stderr);
        assertTrue(
                stderr.contains(
                        "imds-guard scan: " + text + ": not a jar, war, ear or class file\n"),
                stderr);
        assertTrue(
                stderr.contains(
                        "imds-guard scan: "
                                + broken
                                + "!/com/acme/Broken.class: not a class file that "
                                + "parses ("),
                stderr);
        assertTrue(
                stderr.contains("imds-guard scan: " + cut + ": a corrupt or truncated archive ("),
                stderr);
        assertTrue(
                stderr.contains(
                        "level0.jar: nested more than "
                                + ArchiveWalker.MAX_NESTING
                                + " archives deep; not scanned\n"),
                stderr);
        // the scan went on: the v1 caller after the broken class and in the last input are both
        // found
        assertTrue(stdout.contains("artifact " + broken + "\n"), stdout);
        assertTrue(stdout.contains("artifact " + good + "\n"), stdout);
        assertTrue(
                stdout.contains(
                        "summary: INCOMPLETE: 6 input(s) could not be read (see standard error); "
                                + "NOT READY: 2 IMDSv1 caller(s) in 2 artifact(s)"),
                stdout);
    }

    @Test
    void anEntryThatInflatesFarBeyondItsSizeStopsThatArchiveOnly() throws Exception {
        // a compressed nested jar is read as a stream, so an entry in it must be inflated to reach
        // the next
        Path bomb =
                write(
                        "bomb.jar",
                        jar(
                                entries(
                                        "lib/inner.jar",
                                        jar(
                                                entries(
                                                        "zeros.bin",
                                                        new byte[3 * 1024 * 1024],
                                                        "com/acme/After.class",
                                                        classWith(
                                                                "com/acme/After",
                                                                42,
                                                                "region",
                                                                V1_URL))))));
        Path good =
                write(
                        "good.jar",
                        jar(
                                entries(
                                        "com/acme/Legacy.class",
                                        classWith("com/acme/Legacy", 42, "region", V1_URL))));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ScanResult result =
                new ArchiveWalker(
                                LibraryTable.load(),
                                new ScanProgress(new PrintStream(err), false),
                                1024 * 1024)
                        .scan(Arrays.asList(bomb, good));

        assertEquals(
                Arrays.asList(
                        bomb
                                + "!/lib/inner.jar!/zeros.bin: inflates beyond 1 MB (a zip bomb?); the rest "
                                + "of this archive is not scanned"),
                result.problems);
        assertEquals(1, result.findings.size());
        assertEquals("com.acme.Legacy", result.findings.get(0).className());
    }

    @Test
    void aFolderLinkLoopIsReportedNotFollowed() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.createSymbolicLink(tree.resolve("loop"), dir.resolve("tree"));
        write("tree/sub/Legacy.class", classWith("com/acme/Legacy", 42, "region", V1_URL));

        assertEquals(2, scan(dir.resolve("tree")), stdout + stderr);
        assertTrue(stderr.contains("loop: a link loop"), stderr);
        assertTrue(stdout.contains("v1 only: com.acme.Legacy.region(Legacy.java:42)"), stdout);
    }

    @Test
    void theJsonReportMergesWithRuntimeReportsInCheck() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "BOOT-INF/classes/com/acme/Legacy.class",
                                                classWith("com/acme/Legacy", 42, "region", V1_URL),
                                        "BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar",
                                                oldSdkCore("1.11.500"))));
        Path json = dir.resolve("reports/scan.json");

        assertEquals(1, scan("--json", json, "--service", "billing", app), stdout + stderr);
        assertTrue(stdout.contains("JSON report: " + json + "\n"), stdout);
        String report = new String(Files.readAllBytes(json), StandardCharsets.UTF_8);
        assertTrue(report.contains("\"schema\": \"imds-guard-report\""), report);
        assertTrue(report.contains("\"source\": \"static\""), report);
        assertTrue(
                report.contains(
                        "\"archive\": \""
                                + app
                                + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar\""),
                report);
        assertTrue(
                report.contains("\"coordinates\": \"com.amazonaws:aws-java-sdk-core:1.11.500\""),
                report);
        assertTrue(report.contains("\"class\": \"com.amazonaws.util.EC2MetadataUtils\""), report);
        assertTrue(report.contains("\"codeMethod\": \"getAmiId\""), report);

        Path runtime = ScanReports.runtimeV2Only(dir.resolve("reports"), "billing");
        assertEquals(1, check(json.getParent()), stdout + stderr);
        assertTrue(
                stdout.startsWith("NOT READY: 2 IMDSv1 call site(s) in 1 of 1 service(s)"), stdout);
        assertTrue(
                stdout.contains(
                        "service billing: 2 IMDSv1 call site(s) (2 found by scan), 0 v1 call(s); "
                                + "2 JVM(s): "),
                stdout);
        assertTrue(
                stdout.contains(
                        "  v1 caller found by scan com.acme.Legacy.region(Legacy.java:42)\n"
                                + "      service=billing archive="
                                + app
                                + " coordinates=app:? site-id="),
                stdout);
        assertTrue(
                stdout.contains(
                        "  v1 caller found by scan com.amazonaws.util.EC2MetadataUtils.getAmiId("
                                + "EC2MetadataUtils.java:95)\n      service=billing archive="
                                + app
                                + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar coordinates=com.amazonaws:aws-java-sdk-core:1.11.500 "
                                + "library=com.amazonaws:aws-java-sdk-core:1.11.500 site-id="),
                stdout);
        assertTrue(
                stdout.contains(
                        "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                stdout);
        assertFalse(Files.readAllLines(runtime).isEmpty());

        assertEquals(1, check("--format", "junit", json.getParent()), stdout + stderr);
        assertTrue(
                stdout.contains(
                        "IMDSv1 caller found by scan (not seen running) in "
                                + app
                                + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar\ncoordinates: com.amazonaws:aws-java-sdk-core:1.11.500\n"
                                + "fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -&gt; &gt;= 1.11.678"),
                stdout);
    }

    @Test
    void junitIsWhatCheckWritesForTheScansReportWithOneFailurePerV1Caller() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "BOOT-INF/classes/com/acme/Legacy.class",
                                                classWith("com/acme/Legacy", 42, "region", V1_URL),
                                        "BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar",
                                                oldSdkCore("1.11.500"))));
        Path json = dir.resolve("out/scan.json");
        Path xml = dir.resolve("out/scan.xml");

        assertEquals(
                1,
                scan(
                        "--json",
                        json,
                        "--format",
                        "junit",
                        "--output",
                        xml,
                        "--service",
                        "billing",
                        app),
                stdout + stderr);
        assertTrue(stdout.contains("summary: NOT READY"), stdout);
        assertTrue(stdout.contains("JUnit XML: " + xml + "\n"), stdout);
        String junit = new String(Files.readAllBytes(xml), StandardCharsets.UTF_8);
        assertTrue(junit.contains("tests=\"2\" failures=\"2\""), junit);
        assertTrue(
                junit.contains(
                        "<testcase classname=\"imds-guard.billing\" name=\"IMDSv1 call from "
                                + "com.acme.Legacy.region(Legacy.java:42) [static scan ?]\">"),
                junit);
        assertTrue(
                junit.contains(
                        "fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -&gt; &gt;= 1.11.678"),
                junit);

        Path fromCheck = dir.resolve("out/check.xml");
        assertEquals(1, check("--format", "junit", "--output", fromCheck, json), stdout + stderr);
        assertEquals(new String(Files.readAllBytes(fromCheck), StandardCharsets.UTF_8), junit);
    }

    @Test
    void junitOnStandardOutputKeepsTheHumanTextOnStandardError() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "com/acme/Legacy.class",
                                        classWith("com/acme/Legacy", 42, "region", V1_URL))));

        assertEquals(1, scan("--format", "junit", app), stdout + stderr);
        assertTrue(
                stdout.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "),
                stdout);
        assertTrue(stdout.endsWith("</testsuites>\n"), stdout);
        assertTrue(
                stdout.contains("name=\"IMDSv1 call from com.acme.Legacy.region(Legacy.java:42)"),
                stdout);
        assertTrue(stderr.contains("summary: NOT READY"), stderr);
    }

    @Test
    void aCleanScanIsOnePassingJunitTestAndAReadyPage() throws Exception {
        Path classes = dir.resolve("classes");
        write(
                "classes/com/acme/Meta.class",
                classWith(
                        "com/acme/Meta",
                        10,
                        "read",
                        "/latest/api/token",
                        "http://169.254.169.254/latest/meta-data/instance-id",
                        "X-aws-ec2-metadata-token"));
        Path page = dir.resolve("scan.html");

        assertEquals(0, scan("--format", "junit", "--html", page, classes), stdout + stderr);
        assertTrue(stdout.contains("tests=\"1\" failures=\"0\""), stdout);
        assertFalse(stdout.contains("<failure"), stdout);
        String html = new String(Files.readAllBytes(page), StandardCharsets.UTF_8);
        assertTrue(html.contains("<h1>READY</h1>"), html);
        assertFalse(html.contains("com.acme.Meta"), html);
    }

    @Test
    void htmlNamesEachV1CallerItsArchiveAndItsFixAndRunsNothing() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar",
                                        oldSdkCore("1.11.500"))));
        Path page = dir.resolve("pages/scan.html");

        assertEquals(1, scan("--html", page, app), stdout + stderr);
        assertTrue(stdout.contains("summary: NOT READY"), stdout);
        assertTrue(stdout.contains("HTML report: " + page + "\n"), stdout);
        String html = new String(Files.readAllBytes(page), StandardCharsets.UTF_8);
        assertTrue(html.contains("<h1>NOT READY</h1>"), html);
        assertTrue(
                html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), html);
        assertFalse(html.contains("<script"), html);
        assertTrue(
                html.contains(
                        "com.amazonaws.util.EC2MetadataUtils.getAmiId(EC2MetadataUtils.java:95)"),
                html);
        assertTrue(html.contains(app + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar"), html);
        assertTrue(
                html.contains(
                        "upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -&gt; &gt;= 1.11.678"),
                html);
    }

    @Test
    void anUnknownFormatIsAUsageError() throws Exception {
        Path app =
                write(
                        "app.jar",
                        jar(
                                entries(
                                        "com/acme/Plain.class",
                                        classWith("com/acme/Plain", 1, "run", "x"))));
        assertEquals(2, scan("--format", "sarif", app));
        assertTrue(
                stderr.startsWith("imds-guard scan: --format accepts text or junit, not 'sarif'"),
                stderr);
    }

    @Test
    void noInputIsAUsageError() {
        assertEquals(2, scan());
        assertTrue(stderr.startsWith("imds-guard scan: name at least one jar"), stderr);
        assertEquals(2, scan("--bogus", "x.jar"));
        assertTrue(stderr.startsWith("imds-guard scan: unknown option '--bogus'"), stderr);
    }
}
