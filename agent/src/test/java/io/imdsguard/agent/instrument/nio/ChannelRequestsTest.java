package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.instrument.socket.HookedRequests;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.policy.EnforcePolicy;
import io.imdsguard.agent.policy.ReportPolicy;
import io.imdsguard.agent.policy.RequestPolicy;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.agent.report.CallSiteRegistry;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.report.RequestTotals;
import io.imdsguard.agent.report.RuntimeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ChannelRequestsTest {

    private static final String V1_HEAD = "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1:1338\r\n\r\n";

    @TempDir
    Path dir;

    private final RequestTotals totals = new RequestTotals();
    private final HookedRequests hooked = new HookedRequests();

    private ChannelRequests channels(RequestPolicy policy) {
        ImdsEndpoints endpoints = new ImdsEndpoints(URI.create("http://127.0.0.1:1338"), null, name -> null);
        AgentLog log = AgentLog.open(dir.resolve("imds-guard.log").toString(), false);
        CallSiteRegistry sites = new CallSiteRegistry();
        Reporter reporter = new Reporter(log, RuntimeInfo.current("nio-test"), "report", totals, sites, null);
        return new ChannelRequests(endpoints, new RequestObserver(new ImdsMetrics(), totals, sites, reporter, policy,
                null), hooked, log);
    }

    private static ByteBuffer head() {
        return ByteBuffer.wrap(V1_HEAD.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aV1HeadOnAChannelToImdsIsCountedAndEnforceRefusesTheWrite() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = new Object();
        channels.connecting(channel, new InetSocketAddress("127.0.0.1", 1338));
        IOException refusal = channels.writing(channel, head(), null, 0, 0);
        assertNotNull(refusal);
        assertEquals(1, totals.get(ImdsVersion.V1));
    }

    @Test
    void aChannelToAnotherPortIsNeverRead() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = new Object();
        channels.connecting(channel, new InetSocketAddress("127.0.0.1", 1339));
        assertNull(channels.writing(channel, head(), null, 0, 0));
        assertEquals(0, totals.get(ImdsVersion.V1));
        assertEquals(0, channels.imdsChannels());
    }

    @Test
    void aHeadAHookJudgedIsNotCountedAgain() {
        ChannelRequests channels = channels(new ReportPolicy());
        Object channel = new Object();
        channels.connecting(channel, new InetSocketAddress("127.0.0.1", 1338));
        hooked.expect("GET", "/latest/meta-data/instance-id", false);
        assertNull(channels.writing(channel, null, new ByteBuffer[] {head()}, 0, 1));
        assertEquals(0, totals.get(ImdsVersion.V1));
        assertNull(channels.writing(channel, null, new ByteBuffer[] {head()}, 0, 1));
        assertEquals(1, totals.get(ImdsVersion.V1), "the next one, unjudged, is counted");
    }
}
