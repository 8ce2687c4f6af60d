package io.imdsguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar imds-guard-agent.jar scan} on real artifacts: the AWS SDK for Java v1 jars the
 * build fetched from Maven Central (1.11.600 before IMDSv2, 1.12.797 after), a Spring Boot style fat
 * jar built here with the old one nested, and the test apps' classes, whose v1 callers the agent
 * also sees at run time; and {@code check} merging the scan with a runtime report.
 */
class ScanCommandIT {

    private static final String APP = "io.imdsguard.it.apps.JdkClientsApp.";
    private static final List<String> V1_METHODS = List.of("v1ViaHttpUrlConnection", "v1ViaOpenStream",
            "v1ViaHttpClientSend", "v1ViaHttpClientSendAsync");

    private static Path buildDir() {
        return AppJvm.java8AppClasses().getParent();
    }

    private static Path sdkV1(String folder, String version) {
        Path jar = buildDir().resolve("client-libs").resolve(folder).resolve("aws-java-sdk-core-" + version + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the build copies it (it-tests pom, client-libs)");
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
        assertTrue(out.contains("  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"
                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.600 -> >= 1.11.678"), out);
        assertTrue(out.contains("com.amazonaws.util.EC2MetadataUtils."), out);
        assertTrue(out.contains("summary: NOT READY: "), out);
        assertTrue(old.stderr().contains("imds-guard scan: 1 archive(s), "), old.stderr());

        JvmResult current = scan(sdkV1("aws-sdk-v1-1.12", "1.12.797").toString());
        assertEquals(0, current.exitCode(), current.describe());
        assertTrue(current.stdout().contains("  library com.amazonaws:aws-java-sdk-core:1.12.797: v2 with v1 fallback\n"
                + "      fix: set system property com.amazonaws.sdk.disableEc2MetadataV1=true"), current.stdout());
        assertFalse(current.stdout().contains("v1 only:"), current.stdout());
        assertTrue(current.stdout().contains(" 0 v1 only, "), current.stdout());
        assertTrue(current.stdout().contains("summary: READY: no IMDSv1 caller found in 1 artifact(s)"),
                current.stdout());
    }

    @Test
    void aFatJarNamesTheNestedSdkAndTheApplicationsOwnV1Methods(@TempDir Path dir) throws Exception {
        Path fat = dir.resolve("billing.jar");
        Path sdk = sdkV1("aws-sdk-v1-1.11", "1.11.600");
        Path apps = AppJvm.java8AppClasses();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(fat));
             Stream<Path> classes = Files.walk(apps.resolve("io/imdsguard/it/apps"), 1)) {
            for (Path file : (Iterable<Path>) classes.filter(p -> p.getFileName().toString()
                    .startsWith("JdkClientsApp"))::iterator) {
                zip.putNextEntry(new ZipEntry("BOOT-INF/classes/" + apps.relativize(file).toString()
                        .replace('\\', '/')));
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
        assertTrue(out.contains("artifact " + fat + "!/BOOT-INF/lib/aws-java-sdk-core-1.11.600.jar\n"
                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"), out);
        assertTrue(out.contains("artifact " + fat + "\n  coordinates billing:? (file name)\n"), out);
        for (String method : V1_METHODS) {
            assertTrue(out.contains("  v1 only: " + APP + method + "(JdkClientsApp.java:"), method + " in:\n" + out);
        }
        assertTrue(out.contains("  v2: " + APP + "v2ViaHttpUrlConnection(JdkClientsApp.java:"), out);

        JsonNode report = Reports.read(json);
        assertEquals("imds-guard-report", report.get("schema").asText());
        assertEquals("billing", report.get("service").asText());
        JsonNode sdkSite = null;
        for (JsonNode site : report.get("callSites")) {
            assertEquals("static", site.get("source").asText(), site.toString());
            assertEquals("v1-only", site.get("classification").asText(), site.toString());
            if (site.get("archive").asText().endsWith("!/BOOT-INF/lib/aws-java-sdk-core-1.11.600.jar")
                    && "getAmiId".equals(site.get("codeMethod").asText())) {
                sdkSite = site;
            }
        }
        assertTrue(sdkSite != null, report.toString());
        assertEquals("com.amazonaws:aws-java-sdk-core:1.11.600", sdkSite.get("coordinates").asText());
        assertEquals("com.amazonaws.util.EC2MetadataUtils", sdkSite.get("class").asText());
        assertTrue(sdkSite.get("remediation").asText().startsWith(
                "upgrade com.amazonaws:aws-java-sdk-core 1.11.600 -> >= 1.11.678"), sdkSite.toString());
    }

    @Test
    void aWarInAnEarNamesTheSdkInWebInfLibTwoArchivesDeep(@TempDir Path dir) throws Exception {
        Path sdk = sdkV1("aws-sdk-v1-1.11", "1.11.600");
        Path apps = AppJvm.java8AppClasses();
        java.io.ByteArrayOutputStream war = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(war)) {
            Path app = apps.resolve("io/imdsguard/it/apps/JdkClientsApp.class");
            zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + apps.relativize(app).toString().replace('\\', '/')));
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
        assertTrue(out.contains("artifact " + ear + "!/shop-web.war!/WEB-INF/lib/aws-java-sdk-core-1.11.600.jar\n"
                + "  coordinates com.amazonaws:aws-java-sdk-core:1.11.600 (pom.properties)\n"
                + "  library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only\n"), out);
        assertTrue(out.contains("artifact " + ear + "!/shop-web.war\n"), out);
        assertTrue(out.contains("  v1 only: " + APP + "v1ViaOpenStream(JdkClientsApp.java:"), out);
        assertTrue(out.contains("totals: 3 archive(s), "), out);
    }

    @Test
    void everyV1SiteSeenAtRunTimeIsAmongTheScansAndCheckMergesBoth(@TempDir Path dir) throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult app = AppJvm.mainClass(JdkClientsApp.class, "1")
                    .withAgent("report=" + reports.resolve("billing-runtime.json") + ",service.name=billing")
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).run();
            assertEquals(0, app.exitCode(), app.describe());
        }
        JvmResult scan = scan("--service", "billing", "--json", reports.resolve("billing-scan.json").toString(),
                AppJvm.java8AppClasses().resolve("io/imdsguard/it/apps").toString());
        assertEquals(1, scan.exitCode(), scan.describe());

        List<String> runtimeSites = new ArrayList<>();
        for (JsonNode site : Reports.callSites(Reports.read(reports.resolve("billing-runtime.json")))) {
            runtimeSites.add(site.get("site").asText());
        }
        // four on Java 11 and later; on Java 8 the app has no java.net.http and makes the two others only
        assertTrue(runtimeSites.size() >= 2, runtimeSites.toString());
        List<String> staticSites = new ArrayList<>();
        for (JsonNode site : Reports.read(reports.resolve("billing-scan.json")).get("callSites")) {
            staticSites.add(site.get("class").asText() + "." + site.get("codeMethod").asText());
        }
        for (String site : runtimeSites) {
            String classAndMethod = site.substring(0, site.indexOf('('));
            assertTrue(staticSites.contains(classAndMethod), classAndMethod + " not among " + staticSites);
        }

        JvmResult check = check(reports.toString());
        assertEquals(1, check.exitCode(), check.describe());
        String out = check.stdout();
        assertTrue(out.startsWith("NOT READY: "), out);
        assertTrue(out.contains("service billing: "), out);
        for (String site : runtimeSites) {
            String classAndMethod = site.substring(0, site.indexOf('('));
            assertTrue(out.contains("  v1 call site " + classAndMethod + "("), site + " in:\n" + out);
            assertTrue(out.contains("  v1 caller found by scan " + classAndMethod + "("), site + " in:\n" + out);
        }
        for (String method : V1_METHODS) {
            assertTrue(out.contains("  v1 caller found by scan " + APP + method + "("), method + " in:\n" + out);
        }
        assertEquals("", check.stderr());
    }

    @Test
    void aMissingInputIsExit2AndTheOthersAreStillScanned(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.jar");
        JvmResult run = scan(missing.toString(), sdkV1("aws-sdk-v1-1.11", "1.11.600").toString());
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.stderr().contains("imds-guard scan: " + missing + ": no such file or folder\n"), run.stderr());
        assertTrue(run.stdout().contains("library com.amazonaws:aws-java-sdk-core:1.11.600: v1 only"), run.stdout());
        assertTrue(run.stdout().contains("summary: INCOMPLETE: 1 input(s) could not be read"), run.stdout());
    }

    private static void storeEntry(ZipOutputStream zip, String name, byte[] content) throws IOException {
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
