package io.imdsguard.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.callsite.CallSite;
import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.check.JsonReader;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.scan.SiteArchive;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive, coordinates and fix of a site's class: in the first-sight log block and the JSON
 * report.
 */
class CallSiteArchiveTest {

    @TempDir Path dir;

    private SiteArchive oldSdkCore() throws Exception {
        Path jar = dir.resolve("aws-java-sdk-core-1.11.500.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(
                    new JarEntry("META-INF/maven/com.amazonaws/aws-java-sdk-core/pom.properties"));
            out.write(
                    "groupId=com.amazonaws\nartifactId=aws-java-sdk-core\nversion=1.11.500\n"
                            .getBytes(StandardCharsets.UTF_8));
        }
        return SiteArchive.of(jar.toUri().toString());
    }

    private static CallSite sdkSite(SiteArchive archive) {
        return new CallSite(
                "0a1b2c3d",
                "HttpURLConnection",
                "GET",
                "meta-data",
                "/latest/meta-data/instance-id",
                "com.amazonaws.util.EC2MetadataUtils.getItems(EC2MetadataUtils.java:402)",
                "com.amazonaws.util.EC2MetadataUtils",
                "com.acme.Billing.region(Billing.java:12)",
                null,
                archive,
                "main",
                Collections.<String>emptyList(),
                1000L);
    }

    @Test
    void theLogLineNamesTheJarItsCoordinatesAndTheFix() throws Exception {
        SiteArchive archive = oldSdkCore();

        String line = Reporter.origin(sdkSite(archive));

        assertEquals(
                "    archive="
                        + dir.resolve("aws-java-sdk-core-1.11.500.jar")
                        + " coordinates=com.amazonaws:aws-java-sdk-core:1.11.500 (from pom.properties) fix: upgrade"
                        + " com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678, then set "
                        + archive.remediation()
                                .substring(archive.remediation().indexOf("then set ") + 9),
                line);
    }

    @Test
    void noLineWhenTheArchiveIsNotKnown() {
        assertNull(Reporter.origin(sdkSite(null)));
    }

    @Test
    void aSiteFromAClassDirectoryIsReportedWithItsDirectoryAndNullCoordinates() throws Exception {
        CallSiteRegistry registry = new CallSiteRegistry();
        // the site's class as a trace's classes carry it: a class of the application's directory
        StackTraceElement[] stack = {
            new StackTraceElement(
                    "java.net.HttpURLConnection", "connect", "HttpURLConnection.java", 1),
            new StackTraceElement("testlibrary.TinyHttp", "execute", "TinyHttp.java", 20),
        };
        CallerFrames caller =
                CallerFrames.of(stack, new Class<?>[] {null, testlibrary.TinyHttp.class});
        registry.record(
                new ImdsRequest(
                        "HttpURLConnection", "GET", "/latest/meta-data/instance-id", false, false),
                caller,
                "main",
                1000L);

        Map<?, ?> report =
                (Map<?, ?>)
                        JsonReader.parse(
                                ReportJson.render(
                                        new RuntimeInfo("svc", 1L, "h", "jvm", "0.1.0-test", 0L),
                                        "report",
                                        new RequestTotals(),
                                        registry,
                                        2000L));
        Map<?, ?> site = (Map<?, ?>) ((List<?>) report.get("callSites")).get(0);

        String classes =
                Paths.get(
                                testlibrary.TinyHttp.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        .toString();
        assertEquals(classes, site.get("archive"));
        assertTrue(
                site.containsKey("coordinates") && site.get("coordinates") == null,
                site.toString());
        assertNull(site.get("coordinatesFrom"));
        assertNull(site.get("remediation"));
    }
}
