package io.imdsguard.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive, coordinates and fix the agent reports for a call site's class at run time. */
class SiteArchiveTest {

    @TempDir Path dir;

    private static void jar(Path jar, Manifest manifest, String... entriesAndTexts)
            throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out =
                        manifest == null
                                ? new JarOutputStream(file)
                                : new JarOutputStream(file, manifest)) {
            for (int i = 0; i < entriesAndTexts.length; i += 2) {
                out.putNextEntry(new JarEntry(entriesAndTexts[i]));
                out.write(entriesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aJarWithPomPropertiesHasItsCoordinatesAndTheTablesFix() throws Exception {
        // a name that tells nothing: the coordinates must come from inside the jar
        Path jar = dir.resolve("sdk core.jar");
        jar(
                jar,
                null,
                "com/amazonaws/util/EC2MetadataUtils.class",
                "not a class, never read",
                "META-INF/maven/com.amazonaws/aws-java-sdk-core/pom.properties",
                "groupId=com.amazonaws\nartifactId=aws-java-sdk-core\nversion=1.11.500\n");

        SiteArchive site = SiteArchive.read(jar.toUri().toString());

        assertEquals(jar.toString(), site.archive(), "the file's path, decoded");
        assertEquals("com.amazonaws:aws-java-sdk-core:1.11.500", site.coordinates());
        assertEquals("pom.properties", site.coordinatesFrom());
        assertTrue(
                site.remediation()
                        .startsWith(
                                "upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                site.remediation());
    }

    @Test
    void aShadedJarsOwnPomIsTheOneItsFileNameStartsWith() throws Exception {
        Path jar = dir.resolve("regions-2.20.0.jar");
        jar(
                jar,
                null,
                "META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.properties",
                "groupId=com.fasterxml.jackson.core\nartifactId=jackson-core\nversion=2.15.0\n",
                "META-INF/maven/software.amazon.awssdk/regions/pom.properties",
                "groupId=software.amazon.awssdk\nartifactId=regions\nversion=2.20.0\n");

        SiteArchive site = SiteArchive.read(jar.toUri().toString());

        assertEquals("software.amazon.awssdk:regions:2.20.0", site.coordinates());
        assertTrue(
                site.remediation()
                        .startsWith("upgrade software.amazon.awssdk:regions 2.20.0 -> >= 2.23.17"),
                site.remediation());
    }

    @Test
    void aJarWithoutMetadataIsNamedByItsFileNameAndSaysSo() throws Exception {
        Path jar = dir.resolve("aws-java-sdk-core-1.11.500.jar");
        jar(jar, null, "com/amazonaws/util/EC2MetadataUtils.class", "x");

        SiteArchive site = SiteArchive.read(jar.toUri().toString());

        assertEquals("aws-java-sdk-core:1.11.500", site.coordinates());
        assertEquals("file name", site.coordinatesFrom());
        assertTrue(
                site.remediation().startsWith("upgrade com.amazonaws:aws-java-sdk-core 1.11.500"),
                site.remediation());
    }

    @Test
    void aJarWithOnlyAManifestIsNamedByIt() throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, "acme-metadata");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "3.1");
        Path jar = dir.resolve("acme.jar");
        jar(jar, manifest, "com/acme/Metadata.class", "x");

        SiteArchive site = SiteArchive.read(jar.toUri().toString());

        assertEquals("acme-metadata:3.1", site.coordinates());
        assertEquals("manifest", site.coordinatesFrom());
        assertNull(site.remediation(), "the table does not know it: no fix is made up");
    }

    @Test
    void aVersionThatOnlySpeaksImdsV2GetsNoFix() throws Exception {
        Path jar = dir.resolve("imds-2.30.0.jar");
        jar(
                jar,
                null,
                "META-INF/maven/software.amazon.awssdk/imds/pom.properties",
                "groupId=software.amazon.awssdk\nartifactId=imds\nversion=2.30.0\n");

        assertNull(SiteArchive.read(jar.toUri().toString()).remediation());
    }

    @Test
    void aClassDirectoryIsTheArchiveWithoutCoordinates() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("target/classes"));

        SiteArchive site = SiteArchive.read(classes.toUri().toString());

        assertEquals(classes.toString(), site.archive());
        assertNull(site.coordinates());
        assertNull(site.coordinatesFrom());
        assertNull(site.remediation());
    }

    @Test
    void aJarNestedInABootJarIsNamedByItsFileName() {
        SiteArchive site =
                SiteArchive.read(
                        "jar:file:/srv/app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar!/");

        assertEquals("/srv/app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar", site.archive());
        assertEquals("aws-java-sdk-core:1.11.500", site.coordinates());
        assertEquals("file name", site.coordinatesFrom());
    }

    @Test
    void everySpringBootLoadersUrlOfANestedJarIsNamedAsTheScanNamesIt() {
        String scanned = "/srv/app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar";
        // Spring Boot 2 and 3.0/3.1; 3.2 and later (nested:, the entry after "/!"); its URL-encoded
        // form
        for (String location :
                new String[] {
                    "jar:file:/srv/app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar!/",
                    "jar:nested:/srv/app.jar/!BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar!/",
                    "nested:/srv/app.jar/!BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar",
                    "jar:file:/srv/app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar!/com/amazonaws/util/"
                }) {
            assertEquals(scanned, SiteArchive.displayed(location), location);
        }
        assertEquals(
                "/srv/my app.jar!/BOOT-INF/lib/x-1.0.jar",
                SiteArchive.displayed("jar:nested:/srv/my%20app.jar/!BOOT-INF/lib/x-1.0.jar!/"));
        // the application's own classes are in the fat jar itself, which is where the scan names
        // them
        for (String location :
                new String[] {
                    "jar:file:/srv/app.jar!/BOOT-INF/classes!/",
                    "jar:nested:/srv/app.jar/!BOOT-INF/classes/!/",
                    "nested:/srv/app.jar/!BOOT-INF/classes/"
                }) {
            assertEquals("/srv/app.jar", SiteArchive.displayed(location), location);
        }
        assertEquals(
                "/srv/shop.war",
                SiteArchive.displayed("jar:file:/srv/shop.war!/WEB-INF/classes!/"));
        assertEquals(
                "/srv/shop.war!/WEB-INF/lib/x-1.0.jar",
                SiteArchive.displayed("jar:file:/srv/shop.war!/WEB-INF/lib/x-1.0.jar!/"));
    }

    @Test
    void aJarStoredInABootJarOnDiskIsReadForItsPomLikeTheScanReadsIt() throws Exception {
        byte[] sdk =
                TestClasses.jar(
                        TestClasses.entries(
                                "META-INF/maven/com.amazonaws/aws-java-sdk-core/pom.properties",
                                TestClasses.pom("com.amazonaws", "aws-java-sdk-core", "1.11.500")));
        Path app = dir.resolve("app.jar");
        Files.write(
                app,
                TestClasses.bootJar(
                        TestClasses.entries(
                                "BOOT-INF/classes/a.txt", "a", "BOOT-INF/lib/core.jar", sdk)));

        SiteArchive site =
                SiteArchive.read(
                        "jar:nested:" + app.toUri().getRawPath() + "/!BOOT-INF/lib/core.jar!/");

        assertEquals(app + "!/BOOT-INF/lib/core.jar", site.archive());
        assertEquals("com.amazonaws:aws-java-sdk-core:1.11.500", site.coordinates());
        assertEquals("pom.properties", site.coordinatesFrom());
        assertEquals(
                "upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678",
                site.remediation()
                        .substring(
                                0,
                                "upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"
                                        .length()));
    }

    @Test
    void aBrokenOrMissingJarIsReportedByNameAndNeverThrows() throws Exception {
        Path broken = dir.resolve("broken-1.0.jar");
        Files.write(broken, "not a zip".getBytes(StandardCharsets.UTF_8));

        assertEquals("broken:1.0", SiteArchive.of(broken.toUri().toString()).coordinates());
        assertEquals(
                "gone:2.0",
                SiteArchive.of(dir.resolve("gone-2.0.jar").toUri().toString()).coordinates());
        assertNull(SiteArchive.of(null));
        assertNull(SiteArchive.of(""));
    }

    @Test
    void aRemoteLoadersUserPasswordAndQueryAreNeverShown() {
        String shown =
                SiteArchive.displayed(
                        "jar:https://deploy:s3cr3t@repo.example/lib/x-1.0.jar?token=abc!/");

        assertFalse(shown.contains("s3cr3t"), shown);
        assertFalse(shown.contains("deploy"), shown);
        assertFalse(shown.contains("abc"), shown);
        assertEquals("https://repo.example/lib/x-1.0.jar", shown);
    }

    @Test
    void controlCharactersInAPathAreEscaped() {
        SiteArchive site = SiteArchive.read("file:/tmp/evil%0Aline-1.0.jar");

        assertNotNull(site);
        assertFalse(site.archive().contains("\n"), site.archive());
    }
}
