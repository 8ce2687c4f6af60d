package io.imdsguard.agent.instrument.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.instrument.HookedRequests;
import io.imdsguard.agent.instrument.wire.HttpHeadSniffer;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.policy.EnforcePolicy;
import io.imdsguard.agent.policy.ReportPolicy;
import io.imdsguard.agent.policy.RequestPolicy;
import io.imdsguard.agent.report.Reporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelRequestsTest {

    private static final String V1_HEAD =
            "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1:1338\r\n\r\n";

    @TempDir Path dir;

    private final RequestTotals totals = new RequestTotals();
    private final HookedRequests hooked = new HookedRequests();

    private ChannelRequests channels(RequestPolicy policy) {
        ImdsEndpoints endpoints =
                new ImdsEndpoints(URI.create("http://127.0.0.1:1338"), null, name -> null);
        AgentLog log = AgentLog.open(dir.resolve("imds-guard.log").toString(), false);
        CallSiteRegistry sites = new CallSiteRegistry();
        Reporter reporter =
                new Reporter(log, RuntimeInfo.current("nio-test"), "report", totals, sites, null);
        return new ChannelRequests(
                endpoints,
                new RequestObserver(new ImdsMetrics(), totals, sites, reporter, policy, null),
                hooked,
                log);
    }

    private static ByteBuffer head() {
        return bytes(V1_HEAD);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Object imdsChannel(ChannelRequests channels) {
        Object channel = new Object();
        channels.connecting(channel, new InetSocketAddress("127.0.0.1", 1338));
        return channel;
    }

    /** Writes {@code text} as the application would, each write sending all it is given. */
    private static Object write(ChannelRequests channels, Object channel, String text) {
        ByteBuffer buffer = bytes(text);
        Object seen = channels.writing(channel, buffer, null, 0, 0);
        if (!(seen instanceof IOException)) {
            channels.written(seen, buffer.remaining());
        }
        return seen;
    }

    @Test
    void aV1HeadOnAChannelToImdsIsCountedAndEnforceRefusesTheWrite() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = new Object();
        channels.connecting(channel, new InetSocketAddress("127.0.0.1", 1338));
        assertInstanceOf(IOException.class, channels.writing(channel, head(), null, 0, 0));
        assertEquals(1, totals.get(ImdsVersion.V1));
        assertInstanceOf(
                IOException.class, write(channels, channel, "more"), "the channel stays refused");
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
        assertFalse(write(channels, channel, V1_HEAD) instanceof IOException);
        assertEquals(0, totals.get(ImdsVersion.V1));
        assertFalse(write(channels, channel, V1_HEAD) instanceof IOException);
        assertEquals(1, totals.get(ImdsVersion.V1), "the next one, unjudged, is counted");
    }

    /**
     * A gathering write's buffers are read as one stream, from the offset given, and none is
     * consumed.
     */
    @Test
    void aHeadSpreadOverTheBuffersOfAGatheringWriteIsReadWholeWithoutConsumingThem() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = imdsChannel(channels);
        ByteBuffer[] buffers = {
            bytes("ignored"),
            bytes("GET /latest/meta-data/ HTTP/1.1\r\nHo"),
            bytes("st: 127.0.0.1:1338\r\n"),
            bytes("\r\n")
        };
        assertInstanceOf(IOException.class, channels.writing(channel, null, buffers, 1, 3));
        assertEquals(1, totals.get(ImdsVersion.V1));
        for (ByteBuffer buffer : buffers) {
            assertEquals(0, buffer.position());
        }
    }

    /**
     * A head split over writes is judged by the whole head, on the write that completes it: the
     * earlier writes leave (IMDS answers nothing before a head is complete), and under enforce the
     * completing write is refused, so no v1 request reaches IMDS.
     */
    @Test
    void aV1HeadSplitOverWritesIsJudgedOnceOnTheWriteThatCompletesIt() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = imdsChannel(channels);
        assertFalse(
                write(channels, channel, "GET /latest/meta-data/instance-id HTTP/1.1\r\n")
                        instanceof IOException);
        assertFalse(write(channels, channel, "Host: 127.0.0.1:1338\r\n") instanceof IOException);
        assertEquals(0, totals.get(ImdsVersion.V1), "not judged before the head is complete");
        assertInstanceOf(IOException.class, write(channels, channel, "\r\n"));
        assertEquals(1, totals.get(ImdsVersion.V1));
    }

    /**
     * The token header in a later write than the request line: v2, neither counted as v1 nor
     * refused.
     */
    @Test
    void aV2HeadWrittenByteByByteIsV2() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = imdsChannel(channels);
        String v2 =
                "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1:1338\r\n"
                        + "X-aws-ec2-metadata-token: secret\r\n\r\n";
        for (char c : v2.toCharArray()) {
            assertFalse(
                    write(channels, channel, String.valueOf(c)) instanceof IOException, "at " + c);
        }
        assertEquals(0, totals.get(ImdsVersion.V1));
        assertEquals(0, totals.get(ImdsVersion.UNPARSED));
    }

    /**
     * The socket reader's rules: a bare-LF head and odd spacing are read; body bytes are stepped
     * over.
     */
    @Test
    void bareLineFeedsOddSpacingAndBodiesAreReadAsTheSocketBackstopReadsThem() {
        ChannelRequests channels = channels(new ReportPolicy());
        Object channel = imdsChannel(channels);
        write(
                channels,
                channel,
                "PUT  /latest/api/token \tHTTP/1.1\nContent-Length: 20\n"
                        + "X-aws-ec2-metadata-token-ttl-seconds: 60\n\n");
        write(channels, channel, "GET / HTTP/1.1\r\n\r\n..");
        write(channels, channel, "GET /latest/meta-data/ HTTP/1.1\nHost: x\n\n");
        assertEquals(
                0,
                totals.get(ImdsVersion.UNPARSED),
                "a body that looks like a head is still a body");
        assertEquals(1, totals.get(ImdsVersion.V1));
    }

    @Test
    void anOversizedHeadIsUnparsedCountedAndRefusedUnderEnforce() {
        ChannelRequests channels = channels(new EnforcePolicy());
        Object channel = imdsChannel(channels);
        StringBuilder pad = new StringBuilder();
        while (pad.length() <= HttpHeadSniffer.MAX_HEAD) {
            pad.append('a');
        }
        assertFalse(
                write(channels, channel, "GET /latest/meta-data/ HTTP/1.1\r\n")
                        instanceof IOException);
        assertInstanceOf(IOException.class, write(channels, channel, "X-Pad: " + pad));
        assertEquals(1, totals.get(ImdsVersion.UNPARSED));
        assertEquals(0, totals.get(ImdsVersion.V1));
    }

    @Test
    void anUnreadableHeadIsCountedButPassesInReportMode() {
        ChannelRequests channels = channels(new ReportPolicy());
        Object channel = imdsChannel(channels);
        assertFalse(write(channels, channel, "GET /latest/meta-data/\r\n") instanceof IOException);
        assertEquals(1, totals.get(ImdsVersion.UNPARSED));
        assertNull(
                write(channels, channel, "GET /latest/meta-data/ HTTP/1.1\r\n\r\n"),
                "where that request ends is unknown: the rest of the channel is not read");
        assertEquals(0, totals.get(ImdsVersion.V1));
    }

    /**
     * A write that sent less than it was given is given the rest again; those bytes are not read
     * twice.
     */
    @Test
    void bytesAShortWriteLeftAreNotReadTwice() {
        ChannelRequests channels = channels(new ReportPolicy());
        Object channel = imdsChannel(channels);
        ByteBuffer buffer = head();
        Object seen = channels.writing(channel, buffer, null, 0, 0);
        buffer.position(10);
        channels.written(seen, 10);
        seen = channels.writing(channel, buffer, null, 0, 0);
        channels.written(seen, buffer.remaining());
        assertEquals(1, totals.get(ImdsVersion.V1));
        write(channels, channel, V1_HEAD);
        assertEquals(
                2,
                totals.get(ImdsVersion.V1),
                "the next head on the channel is read from its start");
    }

    /**
     * A write that threw is never told what it sent (the advice has no handler around {@code
     * write}): it counts as having sent nothing, and the application's next write, which starts
     * with the same bytes, is not read twice.
     */
    @Test
    void aWriteThatThrewCountsAsSendingNothing() {
        ChannelRequests channels = channels(new ReportPolicy());
        Object channel = imdsChannel(channels);
        String requestLine = "GET /latest/meta-data/instance-id HTTP/1.1\r\n";
        assertFalse(
                channels.writing(channel, bytes(requestLine), null, 0, 0) instanceof IOException);
        assertFalse(
                write(channels, channel, requestLine + "Host: 127.0.0.1:1338\r\n\r\n")
                        instanceof IOException);
        assertEquals(1, totals.get(ImdsVersion.V1));
        assertEquals(0, totals.get(ImdsVersion.UNPARSED), "the request line was read once");
    }

    @Test
    void aChannelThatClosedIsLetGoWhenTheNextChannelToImdsConnects() throws Exception {
        ImdsChannels channels = new ImdsChannels();
        java.nio.channels.SocketChannel closed = java.nio.channels.SocketChannel.open();
        closed.close();
        Object open = new Object();
        channels.add(closed, null);
        channels.add(open, null);
        assertEquals(1, channels.size());
        assertTrue(channels.find(new Object()) == null);
    }

    /**
     * A long-running service connects to IMDS for every credential refresh; no channel may stay
     * reachable.
     */
    @Test
    void droppedChannelsToImdsAreNotKeptReachable() throws Exception {
        ChannelRequests channels = channels(new ReportPolicy());
        for (int i = 0; i < 20; i++) {
            write(channels, imdsChannel(channels), V1_HEAD);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (channels.imdsChannels() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, channels.imdsChannels(), "channels to IMDS still reachable after GC");
    }
}
