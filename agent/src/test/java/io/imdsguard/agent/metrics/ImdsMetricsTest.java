package io.imdsguard.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImdsMetricsTest {

    @Test
    void everyMeterCarriesServiceAndHostInEveryExporterEvenOneAddedLater() {
        ImdsMetrics metrics = new ImdsMetrics("billing", "ip-10-0-0-12", 100, null);
        SimpleMeterRegistry early = new SimpleMeterRegistry();
        metrics.addRegistry(early);
        metrics.countRequest("v1", "HttpURLConnection", "meta-data", "observed", "none");
        metrics.countCallSite("com.acme.Legacy.read", "HttpURLConnection", "observed");
        metrics.countTokenFetch("success");
        metrics.recordRewriteLatency(1_000_000);
        metrics.trackCallSites(new AtomicInteger(3), AtomicInteger::doubleValue);
        SimpleMeterRegistry late = new SimpleMeterRegistry();
        metrics.addRegistry(late);

        for (SimpleMeterRegistry exporter : new SimpleMeterRegistry[] {early, late}) {
            Set<String> names = new HashSet<String>();
            for (Meter meter : exporter.getMeters()) {
                names.add(meter.getId().getName());
                assertEquals("billing", meter.getId().getTag("service"), meter.getId().toString());
                assertEquals(
                        "ip-10-0-0-12", meter.getId().getTag("host"), meter.getId().toString());
            }
            assertEquals(
                    new HashSet<String>(
                            java.util.Arrays.asList(
                                    ImdsMetrics.REQUESTS,
                                    ImdsMetrics.CALL_SITE_REQUESTS,
                                    ImdsMetrics.TOKEN_FETCHES,
                                    ImdsMetrics.REWRITE_LATENCY,
                                    ImdsMetrics.CALL_SITES)),
                    names);
            assertEquals(3.0, exporter.get(ImdsMetrics.CALL_SITES).gauge().value());
        }
        Timer latency = early.get(ImdsMetrics.REWRITE_LATENCY).timer();
        assertEquals(1, latency.count());
        assertEquals(1.0, latency.totalTime(TimeUnit.MILLISECONDS), 1e-9);
    }

    @Test
    void eachCallSiteHasItsOwnSeriesByClientAndAction() {
        ImdsMetrics metrics = new ImdsMetrics("svc", "host", 100, null);
        SimpleMeterRegistry exporter = new SimpleMeterRegistry();
        metrics.addRegistry(exporter);
        metrics.countCallSite("com.acme.A.read", "okhttp", "observed");
        metrics.countCallSite("com.acme.A.read", "okhttp", "observed");
        metrics.countCallSite("com.acme.A.read", "okhttp", "rewritten");
        metrics.countCallSite("com.acme.B.load", "HttpURLConnection", "observed");

        assertEquals(2.0, siteCount(exporter, "com.acme.A.read", "okhttp", "observed"));
        assertEquals(1.0, siteCount(exporter, "com.acme.A.read", "okhttp", "rewritten"));
        assertEquals(1.0, siteCount(exporter, "com.acme.B.load", "HttpURLConnection", "observed"));
        assertEquals(3, exporter.find(ImdsMetrics.CALL_SITE_REQUESTS).functionCounters().size());
    }

    @Test
    void pastMetricsSitesMaxTheOtherSitesCountUnderSiteOther() {
        ImdsMetrics metrics = new ImdsMetrics("svc", "host", 2, null);
        SimpleMeterRegistry exporter = new SimpleMeterRegistry();
        metrics.addRegistry(exporter);
        metrics.countCallSite("com.acme.A.one", "okhttp", "observed");
        metrics.countCallSite("com.acme.A.two", "okhttp", "observed");
        metrics.countCallSite("com.acme.A.three", "okhttp", "observed");
        metrics.countCallSite("com.acme.A.four", "okhttp", "blocked");
        metrics.countCallSite("com.acme.A.three", "okhttp", "observed");
        // A site admitted before the cap keeps its own series.
        metrics.countCallSite("com.acme.A.one", "okhttp", "observed");

        assertEquals(2.0, siteCount(exporter, "com.acme.A.one", "okhttp", "observed"));
        assertEquals(1.0, siteCount(exporter, "com.acme.A.two", "okhttp", "observed"));
        assertEquals(2.0, siteCount(exporter, CallSiteMeters.OTHER, "okhttp", "observed"));
        assertEquals(1.0, siteCount(exporter, CallSiteMeters.OTHER, "okhttp", "blocked"));
        assertNull(
                exporter.find(ImdsMetrics.CALL_SITE_REQUESTS)
                        .tag("site", "com.acme.A.three")
                        .counter());
        Set<String> sites = new HashSet<String>();
        for (FunctionCounter counter :
                exporter.find(ImdsMetrics.CALL_SITE_REQUESTS).functionCounters()) {
            sites.add(counter.getId().getTag("site"));
        }
        assertEquals(3, sites.size(), "two sites and 'other': " + sites);
    }

    @Test
    void theCapHoldsUnderConcurrentNewSites() throws InterruptedException {
        final ImdsMetrics metrics = new ImdsMetrics("svc", "host", 10, null);
        SimpleMeterRegistry exporter = new SimpleMeterRegistry();
        metrics.addRegistry(exporter);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            final int offset = t;
            threads[t] =
                    new Thread(
                            () -> {
                                for (int i = 0; i < 50; i++) {
                                    metrics.countCallSite(
                                            "com.acme.Gen" + (i * 4 + offset) + ".call",
                                            "okhttp",
                                            "observed");
                                }
                            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Set<String> sites = new HashSet<String>();
        double total = 0;
        for (FunctionCounter counter :
                exporter.find(ImdsMetrics.CALL_SITE_REQUESTS).functionCounters()) {
            sites.add(counter.getId().getTag("site"));
            total += counter.count();
        }
        assertEquals(11, sites.size(), "ten sites and 'other'");
        assertEquals(200.0, total, "no call is lost");
    }

    @Test
    void anExporterAttachedLateStillCountsEverythingSinceTheStart() {
        ImdsMetrics metrics = new ImdsMetrics("svc", "host", 100, null);
        metrics.countRequest("v1", "okhttp", "meta-data", "observed", "none");
        metrics.countCallSite("com.acme.A.read", "okhttp", "observed");
        SimpleMeterRegistry late = new SimpleMeterRegistry();
        metrics.addRegistry(late);
        metrics.countRequest("v1", "okhttp", "meta-data", "observed", "none");
        metrics.countRequest("v2", "okhttp", "meta-data", "observed", "none");

        assertEquals(
                2.0, late.get(ImdsMetrics.REQUESTS).tag("version", "v1").functionCounter().count());
        assertEquals(
                1.0,
                late.get(ImdsMetrics.REQUESTS).tag("version", "v2").functionCounter().count(),
                "a series created after the exporter was attached reaches it too");
        assertEquals(1.0, siteCount(late, "com.acme.A.read", "okhttp", "observed"));
    }

    @Test
    void theCumulativeValuesAreReadableWithoutAnyExporter() {
        ImdsMetrics metrics = new ImdsMetrics("svc", "host", 100, null);
        metrics.countRequest("v1", "okhttp", "meta-data", "observed", "none");
        metrics.countRequest("v1", "okhttp", "meta-data", "observed", "none");
        Counter counter = metrics.registry().find(ImdsMetrics.REQUESTS).counter();
        assertNotNull(counter);
        assertEquals(2.0, counter.count());
        assertFalse(metrics.registry().getMeters().isEmpty());
    }

    private static double siteCount(
            SimpleMeterRegistry exporter, String site, String client, String action) {
        FunctionCounter counter =
                exporter.find(ImdsMetrics.CALL_SITE_REQUESTS)
                        .tags("site", site, "client", client, "action", action)
                        .functionCounter();
        assertNotNull(counter, site + "/" + client + "/" + action);
        return counter.count();
    }
}
