package io.imdsguard.agent.callsite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.log.Sanitizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

public class CallSiteRegistryTest {

    public static CallerFrames at(String className, String method, int line) {
        return CallerFrames.of(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "java.net.HttpURLConnection", "connect", "HttpURLConnection.java", 1),
                    new StackTraceElement(
                            className,
                            method,
                            className.substring(className.lastIndexOf('.') + 1) + ".java",
                            line),
                    new StackTraceElement("com.acme.Main", "main", "Main.java", 3),
                });
    }

    static ImdsRequest get(String path) {
        return new ImdsRequest("HttpURLConnection", "GET", path, false, false);
    }

    @Test
    void theSameCodeReadingDifferentPathsIsOneSiteWithACount() {
        CallSiteRegistry registry = new CallSiteRegistry();
        CallerFrames caller = at("com.acme.Region", "lookup", 10);
        CallSiteRegistry.Sighting first =
                registry.record(get("/latest/meta-data/instance-id"), caller, "main", 1000L);
        CallSiteRegistry.Sighting second =
                registry.record(get("/latest/meta-data/iam/info"), caller, "worker-2", 5000L);
        CallSiteRegistry.Sighting third =
                registry.record(get("/latest/user-data"), caller, "worker-3", 3000L);

        assertTrue(first.first());
        assertFalse(second.first());
        assertFalse(third.first());
        assertSame(first.site(), second.site());
        assertSame(first.site(), third.site());

        CallSite site = first.site();
        assertEquals(3, site.count());
        assertEquals("com.acme.Region.lookup(Region.java:10)", site.site());
        assertEquals("HttpURLConnection", site.client());
        assertEquals("GET", site.method());
        // the first call's details are kept
        assertEquals("/latest/meta-data/instance-id", site.examplePath());
        assertEquals("meta-data", site.pathCategory());
        assertEquals("main", site.thread());
        assertEquals(1000L, site.firstSeen());
        assertEquals(5000L, site.lastSeen(), "lastSeen never goes back in time");
        assertEquals(caller.frames(), site.frames());
        assertEquals(1, registry.snapshot().size());
        assertEquals(3, registry.changes());
    }

    @Test
    void clientMethodAndFrameEachMakeADistinctSite() {
        CallSiteRegistry registry = new CallSiteRegistry();
        CallerFrames a = at("com.acme.Region", "lookup", 10);
        CallerFrames otherLine = at("com.acme.Region", "lookup", 11);
        assertTrue(registry.record(get("/latest/meta-data/"), a, "t", 1).first());
        assertTrue(registry.record(get("/latest/meta-data/"), otherLine, "t", 1).first());
        assertTrue(
                registry.record(
                                new ImdsRequest(
                                        "HttpClient", "GET", "/latest/meta-data/", false, false),
                                a,
                                "t",
                                1)
                        .first());
        assertTrue(
                registry.record(
                                new ImdsRequest(
                                        "HttpURLConnection",
                                        "HEAD",
                                        "/latest/meta-data/",
                                        false,
                                        false),
                                a,
                                "t",
                                1)
                        .first());
        assertFalse(registry.record(get("/other"), a, "t", 2).first());
        List<CallSite> sites = registry.snapshot();
        assertEquals(4, sites.size());
        Set<String> ids = new HashSet<String>();
        for (CallSite site : sites) {
            ids.add(site.id());
        }
        assertEquals(4, ids.size(), "every site has its own id");
    }

    @Test
    void idsAreStableShortAndTheSameInEveryJvm() {
        CallSiteRegistry one = new CallSiteRegistry();
        CallSiteRegistry two = new CallSiteRegistry();
        CallerFrames caller = at("com.acme.Region", "lookup", 10);
        String id1 = one.record(get("/latest/meta-data/ami-id"), caller, "a", 1).site().id();
        two.record(get("/latest/meta-data/x"), at("com.acme.Other", "x", 1), "b", 2);
        String id2 = two.record(get("/latest/user-data"), caller, "c", 3).site().id();
        assertEquals(id1, id2, "the id depends on the code location only");
        assertTrue(id1.matches("[0-9a-f]{8}"), id1);
        assertEquals(
                CallSiteRegistry.id(
                        CallSiteRegistry.key(
                                "HttpURLConnection",
                                "GET",
                                "com.acme.Region.lookup(Region.java:10)")),
                id1);
        // FNV-1a 32-bit reference values: the ids must not change between agent versions either,
        // or reports from different deployments could not be joined
        assertEquals("811c9dc5", CallSiteRegistry.id(""));
        assertEquals("e40c292c", CallSiteRegistry.id("a"));
        assertEquals("bf9cf968", CallSiteRegistry.id("foobar"));
        assertNotEquals(
                CallSiteRegistry.id("HttpURLConnection|GET|a"),
                CallSiteRegistry.id("HttpURLConnection|HEAD|a"));
    }

    @Test
    void snapshotListsTheBusiestSitesFirst() {
        CallSiteRegistry registry = new CallSiteRegistry();
        CallerFrames rare = at("com.acme.Rare", "once", 1);
        CallerFrames busy = at("com.acme.Busy", "loop", 1);
        registry.record(get("/latest/meta-data/"), rare, "t", 1);
        for (int i = 0; i < 5; i++) {
            registry.record(get("/latest/meta-data/"), busy, "t", 1);
        }
        List<CallSite> sites = registry.snapshot();
        assertEquals("com.acme.Busy.loop(Busy.java:1)", sites.get(0).site());
        assertEquals(5, sites.get(0).count());
        assertEquals(1, sites.get(1).count());
    }

    @Test
    void hostileDetailsAreSanitisedWhenTheSiteIsCreated() {
        CallSiteRegistry registry = new CallSiteRegistry();
        StringBuilder longPath = new StringBuilder("/latest/meta-data/");
        for (int i = 0; i < 10_000; i++) {
            longPath.append('x');
        }
        CallSite site =
                registry.record(
                                get(longPath.toString()),
                                at("com.acme.A", "a", 1),
                                "evil\r\nthread",
                                1)
                        .site();
        assertTrue(site.examplePath().length() <= Sanitizer.MAX_PATH_LENGTH + 3);
        assertEquals("evil\\r\\nthread", site.thread());
        CallSite crlf =
                registry.record(
                                get("/latest/meta-data/\r\nforged"),
                                at("com.acme.B", "b", 1),
                                "t",
                                1)
                        .site();
        assertEquals("/latest/meta-data/\\r\\nforged", crlf.examplePath());
    }

    @Test
    void concurrentCallsFromOneSiteAreAllCountedAndSeenFirstExactlyOnce() throws Exception {
        final CallSiteRegistry registry = new CallSiteRegistry();
        final CallerFrames caller = at("com.acme.Hot", "path", 99);
        final int threads = 8;
        final int perThread = 1000;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicInteger firsts = new AtomicInteger();
        final Set<CallSite> seen =
                java.util.Collections.newSetFromMap(
                        new java.util.concurrent.ConcurrentHashMap<CallSite, Boolean>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                final String name = "worker-" + t;
                futures.add(
                        pool.submit(
                                new java.util.concurrent.Callable<Void>() {
                                    @Override
                                    public Void call() throws Exception {
                                        start.await();
                                        for (int i = 0; i < perThread; i++) {
                                            CallSiteRegistry.Sighting sighting =
                                                    registry.record(
                                                            get("/latest/meta-data/p" + i),
                                                            caller,
                                                            name,
                                                            System.currentTimeMillis());
                                            seen.add(sighting.site());
                                            if (sighting.first()) {
                                                firsts.incrementAndGet();
                                            }
                                        }
                                        return null;
                                    }
                                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, firsts.get(), "exactly one first sighting");
        assertEquals(1, seen.size(), "every thread got the same site");
        assertEquals(1, registry.snapshot().size());
        assertEquals(threads * perThread, registry.snapshot().get(0).count());
        assertEquals(threads * perThread, registry.changes());
        assertEquals(0, registry.overflow());
    }

    @Test
    void whenFullNewSitesAreCountedAsOverflowAndKnownSitesStillCount() {
        CallSiteRegistry registry = new CallSiteRegistry();
        CallerFrames firstSite = at("com.acme.Gen", "site0", 0);
        for (int i = 0; i < CallSiteRegistry.MAX_SITES; i++) {
            assertTrue(
                    registry.record(
                                    get("/latest/meta-data/"),
                                    at("com.acme.Gen", "site" + i, i),
                                    "t",
                                    1)
                            .first());
        }
        CallSiteRegistry.Sighting beyond =
                registry.record(get("/latest/meta-data/"), at("com.acme.Gen", "more", 1), "t", 1);
        assertNull(beyond.site());
        assertFalse(beyond.first());
        assertEquals(1, registry.overflow());
        assertEquals(CallSiteRegistry.MAX_SITES, registry.snapshot().size());

        CallSiteRegistry.Sighting known =
                registry.record(get("/latest/meta-data/"), firstSite, "t", 2);
        assertFalse(known.first());
        assertEquals(2, known.site().count());
        assertEquals(1, registry.overflow());
    }

    /**
     * A request made in an AWS SDK's IMDS class (from a jar: JUnit's stands in) for application
     * method {@code app}.
     */
    static CallerFrames throughTheSdk(String app) {
        return CallerFrames.of(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "java.net.HttpURLConnection", "connect", "HttpURLConnection.java", 1),
                    new StackTraceElement(
                            "com.amazonaws.internal.ConnectionUtils",
                            "connectToEndpoint",
                            "ConnectionUtils.java",
                            54),
                    new StackTraceElement(
                            "com.amazonaws.util.EC2MetadataUtils",
                            "getItems",
                            "EC2MetadataUtils.java",
                            400),
                    new StackTraceElement(
                            "testcallers.LibraryCallers", app, "LibraryCallers.java", 16),
                },
                new Class<?>[] {null, Test.class, Test.class, testcallers.LibraryCallers.class});
    }

    @Test
    void twoApplicationPathsIntoOneSdkClassAreTwoSitesEachWithItsCount() {
        CallSiteRegistry registry = new CallSiteRegistry();
        registry.record(
                get("/latest/meta-data/instance-id"), throughTheSdk("instanceId"), "main", 1000L);
        registry.record(
                get("/latest/meta-data/instance-id"), throughTheSdk("instanceId"), "main", 1001L);
        registry.record(
                get("/latest/meta-data/iam/security-credentials/"),
                throughTheSdk("credentials"),
                "main",
                1002L);

        List<CallSite> sites = registry.snapshot();
        assertEquals(2, sites.size());
        for (CallSite site : sites) {
            assertEquals(
                    "com.amazonaws.internal.ConnectionUtils.connectToEndpoint(ConnectionUtils.java:54)",
                    site.site());
            assertEquals("com.amazonaws.internal.ConnectionUtils", site.siteClass());
            assertNull(site.library());
        }
        assertEquals(
                "testcallers.LibraryCallers.instanceId(LibraryCallers.java:16)",
                sites.get(0).applicationFrame());
        assertEquals(2, sites.get(0).count());
        assertEquals(
                "testcallers.LibraryCallers.credentials(LibraryCallers.java:16)",
                sites.get(1).applicationFrame());
        assertEquals(1, sites.get(1).count());
        assertNotEquals(sites.get(0).id(), sites.get(1).id());
    }

    @Test
    void aSiteWithoutAnApplicationFrameKeepsTheIdItHadBefore() {
        CallSiteRegistry registry = new CallSiteRegistry();
        CallSite site =
                registry.record(
                                get("/latest/meta-data/instance-id"),
                                at("com.acme.Region", "lookup", 10),
                                "main",
                                1000L)
                        .site();
        assertNull(site.applicationFrame());
        assertEquals(
                CallSiteRegistry.id("HttpURLConnection|GET|com.acme.Region.lookup(Region.java:10)"),
                site.id());
    }
}
