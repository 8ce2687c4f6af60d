package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.libraries.commonshttp.CommonsHttpClient3App;
import io.imdsguard.it.apps.libraries.google.GoogleHttpClientApp;
import io.imdsguard.it.apps.libraries.google.UrlPreview;
import io.imdsguard.it.apps.libraries.tinyhttp.TinyHttpApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP libraries the agent does not know by name: google-http-client 1.43 (over HttpURLConnection),
 * commons-httpclient 3.1 (raw sockets) and a library built here into a jar of its own. The call
 * site is the application method that called the library, each caller its own site; the advice
 * never names a library class; and trusting a library class in {@code rewrite.callers} is refused,
 * so a method that fetches any URL through it is never handed the token.
 */
class UnknownHttpLibrariesIT {

    private static final String INSTANCE_ID = "i-0123456789abcdef0";
    private static final String ROLE = "app-role";

    /** Two reads from one method, one from another. */
    private static final String[] STEPS = {"instance-id", "instance-id", "ami-id"};

    @Test
    void googleHttpClientCallersAreEachTheirOwnSite(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().instanceId(INSTANCE_ID).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    withMock(
                                    AppJvm.mainClassWithLibraries(
                                            "google-http-client-1.43",
                                            GoogleHttpClientApp.class,
                                            STEPS),
                                    mock,
                                    report)
                            .run();
            assertApplicationSites(
                    run,
                    report,
                    mock,
                    GoogleHttpClientApp.class.getName(),
                    "HttpURLConnection",
                    "com.google.api.client.",
                    "google-http-client-1.43.3.jar");
        }
    }

    @Test
    void commonsHttpClient3CallersAreEachTheirOwnSite(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().instanceId(INSTANCE_ID).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    withMock(
                                    AppJvm.mainClassWithLibraries(
                                            "commons-httpclient-3.1",
                                            CommonsHttpClient3App.class,
                                            STEPS),
                                    mock,
                                    report)
                            .run();
            assertApplicationSites(
                    run,
                    report,
                    mock,
                    CommonsHttpClient3App.class.getName(),
                    null,
                    "org.apache.commons.httpclient.",
                    "commons-httpclient-3.1.jar");
        }
    }

    @Test
    void aLibraryNoOneHasHeardOfIsPassedOverByItsJar(@TempDir Path dir) throws Exception {
        // compiled for Java 8, so that the JVM under test runs them whichever it is
        Path testClasses = AppJvm.java8AppClasses();
        // the library in a jar of its own; the application's classes alone in a directory, as built
        Path jar = jar(testClasses, "net/tinyhttp", dir.resolve("tiny-http-1.0.jar"));
        Path appClasses = dir.resolve("app-classes");
        String appPackage = TinyHttpApp.class.getPackage().getName().replace('.', '/');
        copyPackage(testClasses, appPackage, appClasses);
        try (MockImds mock = MockImds.builder().instanceId(INSTANCE_ID).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    withMock(
                                    AppJvm.mainClassOnClassPath(
                                            List.of(appClasses, jar),
                                            TinyHttpApp.class.getName(),
                                            STEPS),
                                    mock,
                                    report)
                            .run();
            assertApplicationSites(
                    run,
                    report,
                    mock,
                    TinyHttpApp.class.getName(),
                    "HttpURLConnection",
                    "net.tinyhttp.",
                    "tiny-http-1.0.jar");
        }
    }

    /**
     * The SSRF the issue found: the old advice named google-http-client's NetHttpRequest, and
     * trusting it put a link preview that fetches any URL in scope. The entry is refused, saying
     * why and what to name instead; the application's own IMDS reader, named as advised, is
     * rewritten in the same JVM, while the preview reading the role's credentials gets no token and
     * IMDS answers 401.
     */
    @Test
    void trustingTheLibraryClassIsRefusedAndTheUrlFetcherGetsNoToken(@TempDir Path dir)
            throws Exception {
        try (MockImds mock =
                MockImds.builder()
                        .httpTokens(HttpTokens.REQUIRED)
                        .instanceId(INSTANCE_ID)
                        .roleName(ROLE)
                        .start()) {
            Path report = dir.resolve("report.json");
            String credentials = "/latest/meta-data/iam/security-credentials/" + ROLE;
            String entry = "com.google.api.client.http.javanet.NetHttpRequest";
            JvmResult run =
                    AppJvm.mainClassWithLibraries(
                                    "google-http-client-1.43",
                                    GoogleHttpClientApp.class,
                                    "preview=" + mock.endpoint() + credentials,
                                    "instance-id")
                            .withAgent(
                                    "mode=rewrite,report="
                                            + report
                                            + ",rewrite.callers="
                                            + entry
                                            + ";"
                                            + GoogleHttpClientApp.class.getName())
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(
                    run.stdoutLines().contains("instance-id: 200 " + INSTANCE_ID), run.describe());
            assertTrue(
                    run.stdoutLines().stream().anyMatch(l -> l.startsWith("preview: 401")),
                    run.describe());

            List<String> refusal =
                    run.agent().linesContaining("rewrite.callers entry '" + entry + "' is refused");
            assertEquals(1, refusal.size(), run.stderr());
            assertTrue(
                    refusal.get(0)
                            .contains(
                                    "a class of google-http-client-1.43.3.jar, the library that made an IMDS"
                                            + " request for "
                                            + UrlPreview.class.getName()),
                    refusal.get(0));
            assertTrue(refusal.get(0).contains("an SSRF flaw"), refusal.get(0));
            assertTrue(
                    refusal.get(0)
                            .contains(
                                    "Name instead the application code that calls the library, if that code"
                                            + " is trusted and reads only IMDS, here '"
                                            + UrlPreview.class.getName()
                                            + "'"),
                    refusal.get(0));

            // What IMDS received: the reader's read with the agent's token, the preview's without
            // any.
            List<ReceivedRequest> toCredentials = new ArrayList<>();
            for (ReceivedRequest request : mock.requests()) {
                if (request.path().equals(credentials)) {
                    toCredentials.add(request);
                }
            }
            assertEquals(1, toCredentials.size(), mock.requests().toString());
            assertEquals(
                    Kind.V1,
                    toCredentials.get(0).kind(),
                    "no token on the preview's request: " + mock.requests());
            assertEquals(401, toCredentials.get(0).status(), mock.requests().toString());
            assertEquals(
                    1, count(mock, Kind.V2), "the reader's read, rewritten: " + mock.requests());
            assertEquals(1, count(mock, Kind.TOKEN), mock.requests().toString());

            JsonNode json = Reports.read(report);
            JsonNode preview =
                    Reports.siteStartingWith(json, UrlPreview.class.getName() + ".fetch(");
            assertNotNull(preview, json.toString());
            assertEquals(
                    1, preview.get("actions").get("rewrite_denied").asLong(), preview.toString());
            assertEquals("out_of_scope", preview.get("lastReason").asText(), preview.toString());
            JsonNode reader =
                    Reports.siteStartingWith(
                            json, GoogleHttpClientApp.class.getName() + ".instanceId(");
            assertNotNull(reader, json.toString());
            assertEquals(1, reader.get("actions").get("rewritten").asLong(), reader.toString());
        }
    }

    private static AppJvm withMock(AppJvm app, MockImds mock, Path report) {
        // rewrite with the default scope: every v1 call here is out of it, so the log gives its
        // advice
        return app.withAgent("mode=rewrite,report=" + report)
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint());
    }

    /**
     * Two sites, the application's methods, with their counts; the advice names the application's
     * class, and no first-sight line names a class of the library.
     */
    private static void assertApplicationSites(
            JvmResult run,
            Path report,
            MockImds mock,
            String app,
            String client,
            String libraryPackage,
            String libraryJar)
            throws IOException {
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(
                List.of("instance-id: 200 " + INSTANCE_ID, "instance-id: 200 " + INSTANCE_ID),
                run.stdoutLines().stream().filter(l -> l.startsWith("instance-id: ")).toList(),
                run.describe());
        assertEquals(3, count(mock, Kind.V1), mock.requests().toString());

        List<FirstSight> sights = run.agent().firstSights();
        Map<String, FirstSight> bySite = new TreeMap<>();
        for (FirstSight sight : sights) {
            bySite.put(sight.site().substring(0, sight.site().indexOf('(')), sight);
        }
        assertEquals(
                List.of(app + ".amiId", app + ".instanceId"),
                new ArrayList<>(bySite.keySet()),
                run.stderr());
        for (FirstSight sight : sights) {
            if (client != null) {
                assertEquals(client, sight.client(), sight.toString());
            }
            assertEquals("rewrite_denied", sight.action(), sight.toString());
            // the trace still shows the way through the library, below the header
            assertTrue(
                    sight.frames().stream().anyMatch(f -> f.startsWith(libraryPackage)),
                    sight.frames().toString());
        }
        for (String line : run.agent().linesContaining("IMDSv1 call from ")) {
            assertFalse(
                    line.contains(libraryPackage),
                    "the header and its advice name no library class: " + line);
            assertTrue(line.contains("add '" + app + "' (or its package '"), line);
            assertTrue(line.contains(" via=" + libraryJar), line);
        }

        JsonNode json = Reports.read(report);
        assertEquals(2, json.get("totals").get("v1CallSites").asLong(), json.toString());
        JsonNode instanceId = Reports.siteStartingWith(json, app + ".instanceId(");
        JsonNode amiId = Reports.siteStartingWith(json, app + ".amiId(");
        assertNotNull(instanceId, json.toString());
        assertNotNull(amiId, json.toString());
        assertEquals(2, instanceId.get("count").asLong(), instanceId.toString());
        assertEquals(1, amiId.get("count").asLong(), amiId.toString());
        assertEquals(libraryJar, instanceId.get("library").asText(), instanceId.toString());
        assertTrue(
                instanceId.get("applicationFrame").isNull(),
                "the site is the application's own frame");
    }

    private static long count(MockImds mock, Kind kind) {
        return mock.requests().stream().filter(r -> r.kind() == kind).count();
    }

    /** The classes of one package of the compiled test classes, in a jar of their own. */
    private static Path jar(Path classes, String packagePath, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                DirectoryStream<Path> entries =
                        Files.newDirectoryStream(classes.resolve(packagePath), "*.class")) {
            int added = 0;
            for (Path entry : entries) {
                out.putNextEntry(new JarEntry(packagePath + "/" + entry.getFileName()));
                Files.copy(entry, out);
                out.closeEntry();
                added++;
            }
            assertTrue(added > 0, "no classes in " + classes.resolve(packagePath));
        }
        return jar;
    }

    private static void copyPackage(Path classes, String packagePath, Path target)
            throws IOException {
        Path to = Files.createDirectories(target.resolve(packagePath));
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(classes.resolve(packagePath), "*.class")) {
            for (Path entry : entries) {
                Files.copy(entry, to.resolve(entry.getFileName()));
            }
        }
    }
}
