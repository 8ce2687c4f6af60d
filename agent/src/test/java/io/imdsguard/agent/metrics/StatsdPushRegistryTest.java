package io.imdsguard.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each step sends, per flavour; the UDP path is covered end to end by StatsdExportIT. */
class StatsdPushRegistryTest {

    private static final long STEP = 10_000;

    private final MockClock clock = new MockClock();

    private StatsdPushRegistry registry(ImdsMetrics metrics, String flavor) {
        StatsdPushRegistry statsd =
                new StatsdPushRegistry(
                        "127.0.0.1", 1, flavor, STEP, AgentLog.toStandardError(false), clock);
        metrics.addRegistry(statsd);
        return statsd;
    }

    @Test
    void aStepSendsEachCounterIncreaseOnceWithItsTags() {
        ImdsMetrics metrics = new ImdsMetrics("billing", "h1", 100, null);
        StatsdPushRegistry statsd = registry(metrics, "datadog");
        metrics.countCallSite("com.acme.Legacy.read", "okhttp", "observed");
        metrics.countCallSite("com.acme.Legacy.read", "okhttp", "observed");
        clock.add(Duration.ofMillis(STEP));

        assertEquals(
                java.util.Collections.singletonList(
                        "imds.v1.callsite.requests:2|c|#statistic:count,action:observed,client:okhttp,host:h1,service:billing,"
                                + "site:com.acme.Legacy.read"),
                sorted(statsd.lines()));

        clock.add(Duration.ofMillis(STEP));
        assertEquals(
                java.util.Collections.emptyList(),
                statsd.lines(),
                "a counter that did not move, and a timer that recorded nothing, send nothing");
    }

    @Test
    void aTimerSendsCountTotalAndMaxOfTheStep() {
        ImdsMetrics metrics = new ImdsMetrics("billing", "h1", 100, null);
        StatsdPushRegistry statsd = registry(metrics, "datadog");
        metrics.recordRewriteLatency(3_000_000);
        metrics.recordRewriteLatency(5_000_000);
        clock.add(Duration.ofMillis(STEP));

        assertEquals(
                java.util.Arrays.asList(
                        "imds.rewrite.latency:2|c|#statistic:count,host:h1,service:billing",
                        "imds.rewrite.latency:5|g|#statistic:max,host:h1,service:billing",
                        "imds.rewrite.latency:8|c|#statistic:total,host:h1,service:billing"),
                sorted(statsd.lines()));
    }

    @Test
    void eachFlavourWritesTagsTheWayItsAgentParsesThem() {
        String[][] expected = {
            {
                "etsy",
                "imdsV1CallsiteRequests.action.observed.client.okhttp.host.h1.service.billing.site."
                        + "com.acme.Legacy.read.statistic.count:1|c"
            },
            {
                "telegraf",
                "imds_v1_callsite_requests,statistic=count,action=observed,client=okhttp,host=h1,"
                        + "service=billing,site=com.acme.Legacy.read:1|c"
            },
            {
                "sysdig",
                "imds.v1.callsite.requests#statistic=count,action=observed,client=okhttp,host=h1,"
                        + "service=billing,site=com.acme.Legacy.read:1|c"
            },
        };
        for (String[] flavorAndLine : expected) {
            ImdsMetrics metrics = new ImdsMetrics("billing", "h1", 100, null);
            StatsdPushRegistry statsd = registry(metrics, flavorAndLine[0]);
            metrics.countCallSite("com.acme.Legacy.read", "okhttp", "observed");
            clock.add(Duration.ofMillis(STEP));
            String site = null;
            for (String line : statsd.lines()) {
                if (line.contains("|c")) {
                    site = line;
                }
            }
            assertEquals(flavorAndLine[1], site, flavorAndLine[0]);
        }
    }

    private static List<String> sorted(List<String> lines) {
        java.util.Collections.sort(lines);
        return lines;
    }
}
