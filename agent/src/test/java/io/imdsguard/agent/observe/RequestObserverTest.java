package io.imdsguard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.imdsapp.LegacyMetadataClient;
import io.imdsguard.agent.callsite.CallSite;
import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.report.Reporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestObserverTest {

    private static final String FIRST_SIGHT = AgentLog.PREFIX + "IMDSv1 call from ";

    @TempDir Path dir;

    private Path logFile;
    private ImdsMetrics metrics;
    private SimpleMeterRegistry exporter;
    private RequestTotals totals;
    private CallSiteRegistry registry;
    private RequestObserver observer;
    private LegacyMetadataClient app;

    @BeforeEach
    void wire() {
        logFile = dir.resolve("imds-guard.log");
        AgentLog log = AgentLog.open(logFile.toString(), false);
        metrics = new ImdsMetrics();
        exporter = new SimpleMeterRegistry();
        metrics.addRegistry(exporter);
        totals = new RequestTotals();
        registry = new CallSiteRegistry();
        Reporter reporter =
                new Reporter(
                        log,
                        RuntimeInfo.current("observer-test"),
                        "report",
                        totals,
                        registry,
                        null);
        observer = new RequestObserver(metrics, totals, registry, reporter);
        app = new LegacyMetadataClient(observer);
    }

    /** The directory a class was loaded from, as a path: {@code .../target/test-classes}. */
    private static String classDirectory(Class<?> type) {
        try {
            return java.nio.file.Paths.get(
                            type.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> logLines() throws IOException {
        return Files.readAllLines(logFile, StandardCharsets.UTF_8);
    }

    private List<String> firstSightLines() throws IOException {
        List<String> blocks = new ArrayList<String>();
        for (String line : logLines()) {
            if (line.startsWith(FIRST_SIGHT)) {
                blocks.add(line);
            }
        }
        return blocks;
    }

    private double count(String version) {
        double sum = 0;
        for (Counter counter :
                metrics.registry().find(ImdsMetrics.REQUESTS).tag("version", version).counters()) {
            sum += counter.count();
        }
        return sum;
    }

    private double exported(String version, String path) {
        FunctionCounter counter =
                exporter.find(ImdsMetrics.REQUESTS)
                        .tags(
                                "version",
                                version,
                                "path",
                                path,
                                "client",
                                LegacyMetadataClient.CLIENT,
                                "action",
                                "observed")
                        .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void eachV1CallSiteIsLoggedOnceAndCountedEveryTime() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertEquals(ImdsVersion.V1, app.readInstanceIdV1());
        }
        assertEquals(ImdsVersion.V1, app.readRegionV1("/latest/meta-data/placement/region"));
        assertEquals(
                ImdsVersion.V1,
                app.readRegionV1("/latest/meta-data/iam/security-credentials/role"));

        List<String> blocks = firstSightLines();
        assertEquals(2, blocks.size(), "one first-sight block per site: " + logLines());
        assertTrue(
                blocks.get(0)
                        .startsWith(
                                FIRST_SIGHT
                                        + "com.example.imdsapp.LegacyMetadataClient.readInstanceIdV1("
                                        + "LegacyMetadataClient.java:"),
                blocks.get(0));
        assertTrue(blocks.get(0).contains("path=/latest/meta-data/instance-id"), blocks.get(0));
        assertTrue(blocks.get(0).contains("client=HttpURLConnection"), blocks.get(0));
        assertTrue(blocks.get(0).contains("method=GET"), blocks.get(0));
        assertTrue(
                blocks.get(1)
                        .startsWith(
                                FIRST_SIGHT
                                        + "com.example.imdsapp.LegacyMetadataClient.readRegionV1("),
                blocks.get(1));

        // the block shows the stack from the call site down: the test method that called it, no
        // agent frames
        List<String> lines = logLines();
        int start = lines.indexOf(blocks.get(0));
        // under the first-sight line: where the site's class came from, a class directory here
        assertEquals(
                AgentLog.PREFIX + "    archive=" + classDirectory(LegacyMetadataClient.class),
                lines.get(start + 1));
        assertTrue(
                lines.get(start + 2)
                        .startsWith(
                                AgentLog.PREFIX
                                        + "    at com.example.imdsapp.LegacyMetadataClient"
                                        + ".readInstanceIdV1("),
                lines.get(start + 2));
        assertTrue(
                lines.get(start + 3)
                                .startsWith(
                                        AgentLog.PREFIX
                                                + "    at io.imdsguard.agent.observe.RequestObserverTest")
                        || lines.get(start + 3).contains(" at org.junit.")
                        || lines.get(start + 3).contains(" at java."),
                lines.get(start + 3));
        for (String line : lines) {
            assertTrue(
                    line.startsWith(AgentLog.PREFIX), "every log line carries the prefix: " + line);
            assertFalse(
                    line.contains("io.imdsguard.agent.observe.RequestObserver.observe"),
                    "agent frames are hidden: " + line);
        }

        List<CallSite> sites = registry.snapshot();
        assertEquals(2, sites.size());
        assertEquals(3, sites.get(0).count());
        assertEquals(2, sites.get(1).count());
        assertTrue(blocks.get(0).contains("site-id=" + sites.get(0).id()), blocks.get(0));
        assertEquals(classDirectory(LegacyMetadataClient.class), sites.get(0).archive());
        assertEquals(
                null, sites.get(0).coordinates(), "a class directory has no Maven coordinates");
        assertEquals(null, sites.get(0).remediation());

        assertEquals(5, totals.get(ImdsVersion.V1));
        assertEquals(5.0, count("v1"));
        assertEquals(4.0, exported("v1", "meta-data"));
        assertEquals(1.0, exported("v1", "credentials"));
    }

    @Test
    void tokenAndV2RequestsNeverCreateACallSite() throws IOException {
        for (int i = 0; i < 2; i++) {
            assertEquals(ImdsVersion.TOKEN, app.fetchToken());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(ImdsVersion.V2, app.readInstanceIdV2());
        }
        assertTrue(registry.snapshot().isEmpty());
        assertEquals(0, registry.changes());
        assertTrue(firstSightLines().isEmpty(), "nothing to fix, nothing logged: " + logLines());

        assertEquals(2, totals.get(ImdsVersion.TOKEN));
        assertEquals(4, totals.get(ImdsVersion.V2));
        assertEquals(0, totals.get(ImdsVersion.V1));
        assertEquals(2.0, count("token"));
        assertEquals(4.0, count("v2"));
        assertEquals(0.0, count("v1"));
        assertEquals(2.0, exported("token", "token"));
        assertEquals(4.0, exported("v2", "meta-data"));

        // a v1 call from the same code afterwards is still reported
        app.readRegionV1("/latest/meta-data/instance-id");
        assertEquals(1, firstSightLines().size());
        assertEquals(1.0, count("v1"));
    }

    @Test
    void aHostilePathOrThreadNameCannotForgeLogLines() throws Exception {
        final String[] result = new String[1];
        Thread thread =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                result[0] =
                                        app.readRegionV1(
                                                        "/latest/meta-data/\r\n[imds-guard] forged path line")
                                                .name();
                            }
                        },
                        "worker\n[imds-guard] forged thread line");
        thread.start();
        thread.join(10_000);
        assertEquals("V1", result[0]);
        List<String> lines = logLines();
        assertEquals(1, firstSightLines().size());
        for (String line : lines) {
            assertFalse(line.startsWith("[imds-guard] forged"), "forged line in the log: " + lines);
        }
        String block = firstSightLines().get(0);
        // spaces as %20, so that the path cannot add key=value fields to the line either
        assertTrue(
                block.contains(
                        "path=/latest/meta-data/\\r\\n[imds-guard]%20forged%20path%20line thread="),
                block);
        assertTrue(block.contains("thread=worker\\n[imds-guard] forged thread line"), block);
    }

    @Test
    void concurrentFirstCallsFromOneSiteLogOneBlock() throws Exception {
        final int threads = 8;
        final int perThread = 250;
        final CountDownLatch start = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread =
                    new Thread(
                            new Runnable() {
                                @Override
                                public void run() {
                                    try {
                                        start.await();
                                        for (int i = 0; i < perThread; i++) {
                                            app.readInstanceIdV1();
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    } finally {
                                        done.countDown();
                                    }
                                }
                            },
                            "burst-" + t);
            thread.start();
        }
        start.countDown();
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertEquals(
                1, firstSightLines().size(), "exactly one first-sight block: " + firstSightLines());
        assertEquals(1, registry.snapshot().size());
        assertEquals(threads * perThread, registry.snapshot().get(0).count());
        assertEquals(threads * perThread, totals.get(ImdsVersion.V1));
        assertEquals(threads * perThread, count("v1"));
        assertEquals(threads * perThread, exported("v1", "meta-data"));
    }

    @Test
    void metersCreatedBeforeAnExporterIsAddedReachIt() {
        ImdsMetrics lateMetrics = new ImdsMetrics();
        RequestObserver lateObserver =
                new RequestObserver(
                        lateMetrics,
                        new RequestTotals(),
                        new CallSiteRegistry(),
                        new Reporter(
                                AgentLog.open(dir.resolve("late.log").toString(), false),
                                RuntimeInfo.current("late"),
                                "report",
                                new RequestTotals(),
                                new CallSiteRegistry(),
                                null));
        LegacyMetadataClient lateApp = new LegacyMetadataClient(lateObserver);
        lateApp.fetchToken();
        SimpleMeterRegistry late = new SimpleMeterRegistry();
        lateMetrics.addRegistry(late);
        lateApp.fetchToken();
        lateApp.fetchToken();
        FunctionCounter counter =
                late.find(ImdsMetrics.REQUESTS).tag("version", "token").functionCounter();
        assertNotNull(counter, "the Prometheus endpoint may start after the first requests");
        assertEquals(3.0, counter.count(), "and still counts them");
    }

    @Test
    void anotherCloudsProbeIsCountedApartWithItsCloudAndSiteAndNeverAsAV1Site() throws IOException {
        observer.handle(
                new io.imdsguard.agent.detect.ImdsRequest(
                        "HttpURLConnection",
                        "GET",
                        "/metadata/instance?api-version=2021-02-01",
                        false,
                        false));
        observer.handle(
                new io.imdsguard.agent.detect.ImdsRequest(
                        "HttpURLConnection",
                        "GET",
                        "/metadata/instance?api-version=2021-02-01",
                        false,
                        false));

        assertEquals(2.0, count("other_cloud"));
        assertEquals(0.0, count("v1"));
        assertEquals(
                2.0,
                metrics.registry()
                        .find(ImdsMetrics.REQUESTS)
                        .tag("version", "other_cloud")
                        .tag("path", "azure")
                        .tag("action", "observed")
                        .counter()
                        .count());
        assertEquals(0, registry.size(), "no v1 call site");
        assertEquals(2, totals.get(ImdsVersion.OTHER_CLOUD));
        assertEquals(1, registry.otherClouds().snapshot().size());
        assertEquals("azure", registry.otherClouds().snapshot().get(0).cloud().tag());
        assertEquals(2, registry.otherClouds().snapshot().get(0).count());
        // (the site itself, an application frame, is checked end to end in OtherCloudsIT)
        assertEquals(
                1,
                logLines().stream()
                        .filter(l -> l.contains("Azure metadata request (not AWS IMDS) from "))
                        .count(),
                "logged once per site: " + logLines());
        assertTrue(firstSightLines().isEmpty());
    }

    @Test
    void anUnparsedRequestIsCountedAsSuchAtItsCallSite() throws IOException {
        observer.handle(io.imdsguard.agent.detect.ImdsRequest.unparsed("socket", null, null, null));

        assertEquals(1.0, count("unparsed"));
        assertEquals(0.0, count("v1"));
        assertEquals(1, registry.size(), "reported with its call site");
        assertEquals(1, totals.get(ImdsVersion.UNPARSED));
        assertEquals(
                1,
                logLines().stream()
                        .filter(
                                l ->
                                        l.contains(
                                                "IMDS request the agent could not read (unparsed) from "))
                        .count(),
                logLines().toString());
    }
}
