package io.imdsguard.agent.instrument.nio;

import io.imdsguard.agent.detect.ImdsEndpoints;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadTest {

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A head split over the buffers of one gathering write is read whole, and no buffer is consumed. */
    @Test
    void aHeadSpreadOverBuffersIsReadWithoutConsumingThem() {
        ByteBuffer[] buffers = {bytes("ignored"), bytes("GET /latest/meta-data/ HTTP/1.1\r\nHo"),
            bytes("st: 127.0.0.1:1338\r\nX-aws-ec2-metadata-token: t\r\n\r\nbody")};
        String head = RequestHead.read(null, buffers, 1, 2, ChannelRequests.MAX_HEAD);
        RequestHead parsed = RequestHead.parse(head);
        assertEquals("GET", parsed.method);
        assertEquals("/latest/meta-data/", parsed.path);
        assertTrue(parsed.carriesToken);
        assertFalse(parsed.relayed);
        assertEquals(0, buffers[1].position());
        assertEquals(0, buffers[2].position());
        ImdsEndpoints endpoints = new ImdsEndpoints(URI.create("http://127.0.0.1:1338"), null, name -> null);
        assertTrue(parsed.hostNamesImds(endpoints));
    }

    @Test
    void aBodyAPartialHeadOrAnotherProtocolIsNoHead() {
        assertNull(RequestHead.read(bytes("{\"json\": 1}\r\n\r\n"), null, 0, 0, ChannelRequests.MAX_HEAD));
        assertNull(RequestHead.read(bytes("GET / HTTP/1.1\r\nHost: x\r\n"), null, 0, 0, ChannelRequests.MAX_HEAD));
        assertNull(RequestHead.read(bytes("\u0016\u0003\u0001"), null, 0, 0, ChannelRequests.MAX_HEAD));
        assertNull(RequestHead.parse("PRI * HTTP/2.0\r\n\r\n"));
    }

    @Test
    void anAliasNameInTheHostHeaderDoesNotNameImds() {
        RequestHead parsed = RequestHead.parse(RequestHead.read(
                bytes("GET /latest/meta-data/ HTTP/1.1\r\nHost: localhost:1338\r\n\r\n"), null, 0, 0, 1024));
        ImdsEndpoints endpoints = new ImdsEndpoints(URI.create("http://127.0.0.1:1338"), null, name -> null);
        assertFalse(parsed.hostNamesImds(endpoints));
    }
}
