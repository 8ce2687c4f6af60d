package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar imds-guard-agent.jar scan} on real artifacts: the AWS SDK jars the build fetched
 * from Maven Central (SDK v1 core 1.11.500 and 1.11.600 before IMDSv2, 1.12.797 after; SDK v2
 * regions 2.10.0 before, 2.30.0 after), a Spring Boot style fat jar, a WAR and an EAR built here
 * with an old one nested, a relocated copy of the real SDK class, the test apps' classes and the
 * demo's jar, whose v1 callers the agent also sees at run time; and {@code check} merging the scan
 * with a runtime report.
 */
class ScanCommandIT {

    private static final String APP = "io.imdsguard.it.apps.JdkClientsApp.";
    private static final List<String> V1_METHODS =
            List.of(
                    "v1ViaHttpUrlConnection",
                    "v1ViaOpenStream",
                    "v1ViaHttpClientSend",
                    "v1ViaHttpClientSendAsync");

    private static final List<String> DEMO_V1_METHODS =
            List.of(
                    "io.imdsguard.demo.legacy.LegacyInstanceInfo.instanceId",
                    "io.imdsguard.demo.legacy.LegacyRegionLookup.region",
                    "io.imdsguard.demo.legacy.LegacyCredentialsFetcher.accessKeyId",
                    "io.imdsguard.demo.legacy.AsyncIdentityDocument.accountId");

    private static Path buildDir() {
        return AppJvm.java8AppClasses().getParent();
    }

    private static Path sdkV1(String folder, String version) {
        Path jar =
                buildDir()
                        .resolve("client-libs")
                        .resolve(folder)
                        .resolve("aws-java-sdk-core-" + version + ".jar");
        assertTrue(
                Files.isRegularFile(jar),
                jar + " is missing: the build copies it (it-tests pom, client-libs)");
        return jar;
    }

    /**
     * A jar the build copied from Maven Central into target/scan-artifacts (it-tests pom,
     * scan-artifacts).
     */
    private static Path scanArtifact(String fileName) {
        Path jar = buildDir().resolve("scan-artifacts").resolve(fileName);
        assertTrue(
                Files.isRegularFile(jar),
                jar + " is missing: the build copies it (it-tests pom, scan-artifacts)");
        return jar;
    }

    private static JvmResult scan(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("scan"));
        all.addAll(List.of(args));
        return AppJvm.agentCommand(all.toArray(new String[0])).run();
    }

    private static JvmResult check(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        return AppJvm.agentCommand(all.toArray(new String[0])).run();
    }

    @Test
    void theSdkBeforeImdsV2IsV1OnlyAndTheCurrentOneFallsBack() throws Exception {
        JvmResult old = scan(sdkV1("aws-sdk-v1-1.11", "1.11.600").toString());
        assertEquals(1, old.exitCode(), old.describe());
        String out = old.stdout();
        assertTrue(
                out.contains(
                        "  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"
                                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.600 -> >= 1.11.678"),
                out);
        assertTrue(out.contains("com.amazonaws.util.EC2MetadataUtils."), out);
        assertTrue(out.contains("summary: NOT READY: "), out);
        assertTrue(old.stderr().contains("imds-guard scan: 1 archive(s), "), old.stderr());

        JvmResult current = scan(sdkV1("aws-sdk-v1-1.12", "1.12.797").toString());
        assertEquals(0, current.exitCode(), current.describe());
        assertTrue(
                current.stdout()
                        .contains(
                                "  library com.amazonaws:aws-java-sdk-core:1.12.797: v2 with v1 fallback\n"
                                        + "      fix: set system property com.amazonaws.sdk.disableEc2MetadataV1=true"),
                current.stdout());
        assertFalse(current.stdout().contains("v1 only:"), current.stdout());
        assertTrue(current.stdout().contains(" 0 v1 only, "), current.stdout());
        assertTrue(
                current.stdout()
                        .contains("summary: READY: no IMDSv1 caller found in 1 artifact(s)"),
                current.stdout());
    }

    @Test
    void aFatJarNamesTheNestedSdkAndTheApplicationsOwnV1Methods(@TempDir Path dir)
            throws Exception {
        Path fat = dir.resolve("billing.jar");
        Path sdk = sdkV1("aws-sdk-v1-1.11", "1.11.600");
        Path apps = AppJvm.java8AppClasses();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(fat));
                Stream<Path> classes = Files.walk(apps.resolve("io/imdsguard/it/apps"), 1)) {
            for (Path file :
                    (Iterable<Path>)
                            classes.filter(
                                            p ->
                                                    p.getFileName()
                                                            .toString()
                                                            .startsWith("JdkClientsApp"))
                                    ::iterator) {
                zip.putNextEntry(
                        new ZipEntry(
                                "BOOT-INF/classes/"
                                        + apps.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
            // Spring Boot stores nested jars uncompressed
            storeEntry(zip, "BOOT-INF/lib/" + sdk.getFileName(), Files.readAllBytes(sdk));
        }
        Path json = dir.resolve("scan.json");

        JvmResult run = scan("--json", json.toString(), fat.toString());
        assertEquals(1, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(
                out.contains(
                        "artifact "
                                + fat
                                + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.600.jar\n"
                                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"),
                out);
        assertTrue(
                out.contains("artifact " + fat + "\n  coordinates billing:? (file name)\n"), out);
        for (String method : V1_METHODS) {
            assertTrue(
                    out.contains("  v1 only: " + APP + method + "(JdkClientsApp.java:"),
                    method + " in:\n" + out);
        }
        assertTrue(
                out.contains("  v2: " + APP + "v2ViaHttpUrlConnection(JdkClientsApp.java:"), out);

        JsonNode report = Reports.read(json);
        assertEquals("imds-guard-report", report.get("schema").asText());
        assertEquals("billing", report.get("service").asText());
        JsonNode sdkSite = null;
        for (JsonNode site : report.get("callSites")) {
            assertEquals("static", site.get("source").asText(), site.toString());
            assertEquals("v1-only", site.get("classification").asText(), site.toString());
            if (site.get("archive")
                            .asText()
                            .endsWith("!/BOOT-INF/lib/aws-java-sdk-core-1.11.600.jar")
                    && "getAmiId".equals(site.get("codeMethod").asText())) {
                sdkSite = site;
            }
        }
        assertTrue(sdkSite != null, report.toString());
        assertEquals(
                "com.amazonaws:aws-java-sdk-core:1.11.600", sdkSite.get("coordinates").asText());
        assertEquals("com.amazonaws.util.EC2MetadataUtils", sdkSite.get("class").asText());
        assertTrue(
                sdkSite.get("remediation")
                        .asText()
                        .startsWith(
                                "upgrade com.amazonaws:aws-java-sdk-core 1.11.600 -> >= 1.11.678"),
                sdkSite.toString());
    }

    @Test
    void aWarInAnEarNamesTheSdkInWebInfLibTwoArchivesDeep(@TempDir Path dir) throws Exception {
        Path sdk = sdkV1("aws-sdk-v1-1.11", "1.11.600");
        Path apps = AppJvm.java8AppClasses();
        java.io.ByteArrayOutputStream war = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(war)) {
            Path app = apps.resolve("io/imdsguard/it/apps/JdkClientsApp.class");
            zip.putNextEntry(
                    new ZipEntry(
                            "WEB-INF/classes/"
                                    + apps.relativize(app).toString().replace('\\', '/')));
            Files.copy(app, zip);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("WEB-INF/lib/" + sdk.getFileName()));
            Files.copy(sdk, zip);
            zip.closeEntry();
        }
        Path ear = dir.resolve("shop.ear");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(ear))) {
            zip.putNextEntry(new ZipEntry("shop-web.war"));
            zip.write(war.toByteArray());
            zip.closeEntry();
        }

        JvmResult run = scan(ear.toString());
        assertEquals(1, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(
                out.contains(
                        "artifact "
                                + ear
                                + "!/shop-web.war!/WEB-INF/lib/aws-java-sdk-core-1.11.600.jar\n"
                                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"),
                out);
        assertTrue(out.contains("artifact " + ear + "!/shop-web.war\n"), out);
        assertTrue(out.contains("  v1 only: " + APP + "v1ViaOpenStream(JdkClientsApp.java:"), out);
        assertTrue(out.contains("totals: 3 archive(s), "), out);
    }

    @Test
    void everyV1SiteSeenAtRunTimeIsAmongTheScansAndCheckMergesBoth(@TempDir Path dir)
            throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult app =
                    AppJvm.mainClass(JdkClientsApp.class, "1")
                            .withAgent(
                                    "report="
                                            + reports.resolve("billing-runtime.json")
                                            + ",service.name=billing")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, app.exitCode(), app.describe());
        }
        JvmResult scan =
                scan(
                        "--service",
                        "billing",
                        "--json",
                        reports.resolve("billing-scan.json").toString(),
                        AppJvm.java8AppClasses().resolve("io/imdsguard/it/apps").toString());
        assertEquals(1, scan.exitCode(), scan.describe());

        List<String> runtimeSites = new ArrayList<>();
        for (JsonNode site :
                Reports.callSites(Reports.read(reports.resolve("billing-runtime.json")))) {
            runtimeSites.add(site.get("site").asText());
        }
        // four on Java 11 and later; on Java 8 the app has no java.net.http and makes the two
        // others only
        assertTrue(runtimeSites.size() >= 2, runtimeSites.toString());
        List<String> staticSites = new ArrayList<>();
        for (JsonNode site : Reports.read(reports.resolve("billing-scan.json")).get("callSites")) {
            staticSites.add(site.get("class").asText() + "." + site.get("codeMethod").asText());
        }
        for (String site : runtimeSites) {
            String classAndMethod = site.substring(0, site.indexOf('('));
            assertTrue(
                    staticSites.contains(classAndMethod),
                    classAndMethod + " not among " + staticSites);
        }

        JvmResult check = check(reports.toString());
        assertEquals(1, check.exitCode(), check.describe());
        String out = check.stdout();
        assertTrue(out.startsWith("NOT READY: "), out);
        assertTrue(out.contains("service billing: "), out);
        for (String site : runtimeSites) {
            String classAndMethod = site.substring(0, site.indexOf('('));
            assertTrue(
                    out.contains("  v1 call site " + classAndMethod + "("), site + " in:\n" + out);
            assertTrue(
                    out.contains("  v1 caller found by scan " + classAndMethod + "("),
                    site + " in:\n" + out);
        }
        for (String method : V1_METHODS) {
            assertTrue(
                    out.contains("  v1 caller found by scan " + APP + method + "("),
                    method + " in:\n" + out);
        }
        assertEquals("", check.stderr());
    }

    @Test
    void sdkV1CoreBeforeImdsV2IsV1OnlyWithTheUpgradeToMake() throws Exception {
        Path sdk = scanArtifact("aws-java-sdk-core-1.11.500.jar");
        JvmResult run = scan(sdk.toString());
        assertEquals(1, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(
                out.contains(
                        "artifact "
                                + sdk
                                + "\n  coordinates com.amazonaws:aws-java-sdk-core:1.11.500 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.500: v1 only\n"
                                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                out);
        assertTrue(
                out.contains(
                        "\n      com.amazonaws.util.EC2MetadataUtils.getAmiId(EC2MetadataUtils.java:"),
                out);
        assertTrue(out.contains("summary: NOT READY: "), out);
    }

    @Test
    void sdkV2RegionsBefore21021IsV1OnlyAndACurrentOneFallsBackUntilTheSettingTurnsItOff()
            throws Exception {
        Path old = scanArtifact("regions-2.10.0.jar");
        JvmResult before = scan(old.toString());
        assertEquals(1, before.exitCode(), before.describe());
        assertTrue(
                before.stdout()
                        .contains(
                                "artifact "
                                        + old
                                        + "\n  coordinates software.amazon.awssdk:regions:2.10.0 "
                                        + "(pom.properties)\n  library software.amazon.awssdk:regions:2.10.0: v1 only\n"
                                        + "      fix: upgrade software.amazon.awssdk:regions 2.10.0 -> >= 2.10.21"),
                before.stdout());
        assertTrue(
                before.stdout()
                        .contains(
                                "\n      software.amazon.awssdk.regions.internal.util.EC2MetadataUtils.getAmiId("),
                before.stdout());

        Path current = scanArtifact("regions-2.30.0.jar");
        JvmResult after = scan(current.toString());
        assertEquals(0, after.exitCode(), after.describe());
        String out = after.stdout();
        assertTrue(
                out.contains(
                        "  library software.amazon.awssdk:regions:2.30.0: v2 with v1 fallback\n"
                                + "      fix: set system property aws.disableEc2MetadataV1=true"),
                out);
        // a v2 artifact is never reported as v1
        assertFalse(out.contains("v1 only:"), out);
        assertTrue(out.contains(" 0 v1 only, "), out);
        assertTrue(out.contains("summary: READY: no IMDSv1 caller found in 1 artifact(s)"), out);
    }

    @Test
    void aWarHoldingTheDemoAndAnOldSdkNamesBothUnderWebInfLib(@TempDir Path dir) throws Exception {
        Path demo = AppJvm.Artifacts.demoJar();
        Path sdk = scanArtifact("aws-java-sdk-core-1.11.500.jar");
        Path current = sdkV1("aws-sdk-v1-1.12", "1.12.797");
        Path war = dir.resolve("shop.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (Path lib : List.of(demo, sdk, current)) {
                zip.putNextEntry(new ZipEntry("WEB-INF/lib/" + lib.getFileName()));
                Files.copy(lib, zip);
                zip.closeEntry();
            }
        }
        Path json = dir.resolve("shop.json");

        JvmResult run = scan("--json", json.toString(), war.toString());
        assertEquals(1, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(
                out.contains(
                        "artifact "
                                + war
                                + "!/WEB-INF/lib/aws-java-sdk-core-1.11.500.jar\n"
                                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.500 (pom.properties)\n"
                                + "  library com.amazonaws:aws-java-sdk-core:1.11.500: v1 only\n"
                                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                out);
        assertTrue(
                out.contains(
                        "  library com.amazonaws:aws-java-sdk-core:1.12.797: v2 with v1 fallback\n"),
                out);
        assertTrue(
                out.contains("artifact " + war + "!/WEB-INF/lib/" + demo.getFileName() + "\n"),
                out);
        for (String method : DEMO_V1_METHODS) {
            assertTrue(out.contains("  v1 only: " + method + "("), method + " in:\n" + out);
        }
        for (JsonNode site : Reports.read(json).get("callSites")) {
            assertFalse(
                    site.get("archive").asText().endsWith("aws-java-sdk-core-1.12.797.jar"),
                    site.toString());
            if (site.get("archive").asText().endsWith("/WEB-INF/lib/" + demo.getFileName())) {
                assertTrue(
                        site.get("remediation").asText().startsWith("request a token first"),
                        site.toString());
            }
        }
    }

    @Test
    void aRelocatedCopyOfTheRealSdkClassIsRecognisedWithoutCoordinates(@TempDir Path dir)
            throws Exception {
        byte[] original;
        try (ZipFile sdk = new ZipFile(scanArtifact("aws-java-sdk-core-1.11.500.jar").toFile());
                InputStream in =
                        sdk.getInputStream(
                                sdk.getEntry("com/amazonaws/util/EC2MetadataUtils.class"))) {
            original = in.readAllBytes();
        }
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(original)
                .accept(
                        new ClassRemapper(
                                writer,
                                new Remapper() {
                                    @Override
                                    public String map(String internalName) {
                                        return internalName.startsWith("com/amazonaws/")
                                                ? "shaded/" + internalName
                                                : internalName;
                                    }
                                }),
                        0);
        Path uber = dir.resolve("vendor-tool.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(uber))) {
            zip.putNextEntry(new ZipEntry("shaded/com/amazonaws/util/EC2MetadataUtils.class"));
            zip.write(writer.toByteArray());
            zip.closeEntry();
        }

        JvmResult run = scan(uber.toString());
        assertEquals(1, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(
                out.contains(
                        "artifact "
                                + uber
                                + "\n  coordinates vendor-tool:? (file name)\n"
                                + "  library a copy of com.amazonaws:aws-java-sdk-core (version unknown): v1 only\n"
                                + "      fix: upgrade the com.amazonaws:aws-java-sdk-core that this archive bundles under shaded "
                                + "to >= 1.11.678"),
                out);
        assertTrue(
                out.contains(
                        "\n      shaded.com.amazonaws.util.EC2MetadataUtils.getAmiId(EC2MetadataUtils.java:95)"),
                out);
    }

    @Test
    void everyV1SiteTheDemoMakesAtRunTimeIsAmongTheScansOfItsJar(@TempDir Path dir)
            throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        // the demo answers from its own mock IMDS on 127.0.0.1
        JvmResult demo =
                AppJvm.demoJar("--repeat", "1")
                        .withAgent(
                                "report="
                                        + reports.resolve("demo-runtime.json")
                                        + ",service.name=demo")
                        .run();
        assertEquals(0, demo.exitCode(), demo.describe());
        JvmResult scan =
                scan(
                        "--service",
                        "demo",
                        "--json",
                        reports.resolve("demo-scan.json").toString(),
                        AppJvm.Artifacts.demoJar().toString());
        assertEquals(1, scan.exitCode(), scan.describe());

        List<String> staticSites = new ArrayList<>();
        for (JsonNode site : Reports.read(reports.resolve("demo-scan.json")).get("callSites")) {
            staticSites.add(site.get("class").asText() + "." + site.get("codeMethod").asText());
        }
        assertTrue(staticSites.containsAll(DEMO_V1_METHODS), staticSites.toString());
        List<String> runtimeSites = new ArrayList<>();
        for (JsonNode site :
                Reports.callSites(Reports.read(reports.resolve("demo-runtime.json")))) {
            String classAndMethod = frame(site.get("site").asText());
            runtimeSites.add(classAndMethod);
            // the scan names the frame that sends, as the agent does: LegacyCredentialsFetcher's
            // get(path),
            // called by accessKeyId with the IMDS path, is a finding of its own
            assertTrue(
                    staticSites.contains(classAndMethod),
                    classAndMethod + " (stack " + site.get("stack") + ") not among " + staticSites);
        }
        assertEquals(DEMO_V1_METHODS.size(), runtimeSites.size(), runtimeSites.toString());

        Path page = dir.resolve("verdict.html");
        JvmResult check = check("--html", page.toString(), reports.toString());
        assertEquals(1, check.exitCode(), check.describe());
        String out = check.stdout();
        assertTrue(out.startsWith("NOT READY: "), out);
        // one verdict: the scan and the run are one service
        assertEquals(1, out.split("\nservice ", -1).length - 1, out);
        assertTrue(out.contains("service demo: "), out);
        for (String site : runtimeSites) {
            assertTrue(out.contains("  v1 call site " + site + "("), site + " in:\n" + out);
        }
        assertTrue(
                out.contains(
                        "  v1 caller found by scan io.imdsguard.demo.legacy.LegacyCredentialsFetcher.accessKeyId("),
                out);
        String html = Files.readString(page);
        assertTrue(html.contains("<h1>NOT READY</h1>"), html);
        assertEquals(1, html.split("<section class=\"service\">", -1).length - 1, html);
        assertEquals("", check.stderr());
    }

    @Test
    void aMissingInputIsExit2AndTheOthersAreStillScanned(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.jar");
        JvmResult run = scan(missing.toString(), sdkV1("aws-sdk-v1-1.11", "1.11.600").toString());
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(
                run.stderr().contains("imds-guard scan: " + missing + ": no such file or folder\n"),
                run.stderr());
        assertTrue(
                run.stdout().contains("library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only"),
                run.stdout());
        assertTrue(
                run.stdout().contains("summary: INCOMPLETE: 1 input(s) could not be read"),
                run.stdout());
    }

    /** {@code a.b.C.m(C.java:12)} as {@code a.b.C.m}. */
    private static String frame(String frame) {
        int paren = frame.indexOf('(');
        return paren < 0 ? frame : frame.substring(0, paren);
    }

    private static void storeEntry(ZipOutputStream zip, String name, byte[] content)
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
