package io.imdsguard.agent.instrument.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The head reader on bytes in memory: no socket is opened, so the IMDS address in a request line
 * here is only text. (Traffic to that address is only ever sent by LiteralImdsAddressIT, inside a
 * loopback-only network namespace made with unshare -rn.)
 */
class HttpHeadSnifferTest {

    private static final Charset LATIN_1 = Charset.forName("ISO-8859-1");

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final List<String> heads = new ArrayList<String>();
    private final List<Throwable> failures = new ArrayList<Throwable>();
    private final List<String> unparsed = new ArrayList<String>();
    private String answer;
    private boolean refuse;

    private final HttpHeadSniffer sniffer =
            new HttpHeadSniffer(
                    wire,
                    new HttpHeadSniffer.HeadHandler() {
                        @Override
                        public String onHead(
                                String method, String path, boolean carriesToken, boolean relayed) {
                            heads.add(
                                    method
                                            + " "
                                            + path
                                            + " token="
                                            + carriesToken
                                            + " relayed="
                                            + relayed);
                            return answer;
                        }

                        @Override
                        public boolean onUnparsed(
                                String method,
                                String path,
                                boolean requestLineRead,
                                String reason) {
                            unparsed.add(
                                    method
                                            + " "
                                            + path
                                            + (requestLineRead ? "" : " (guessed)")
                                            + ": "
                                            + reason);
                            return refuse;
                        }

                        @Override
                        public void failed(Throwable error) {
                            failures.add(error);
                        }
                    });

    @Test
    void aHeadWrittenByteByByteIsJudgedOnceCompleteAndPassedOnUnchanged() throws IOException {
        String request = "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\n\r\n";
        for (byte b : request.getBytes(LATIN_1)) {
            sniffer.write(b);
        }
        assertEquals(1, heads.size());
        assertEquals("GET /latest/meta-data/instance-id token=false relayed=false", heads.get(0));
        assertEquals(request, wire.toString("ISO-8859-1"));
    }

    /**
     * TLS to an https endpoint, or any other protocol: passed on at once, never held waiting for a
     * blank line.
     */
    @Test
    void bytesThatCannotStartARequestLinePassAtOnce() throws IOException {
        byte[] clientHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
        sniffer.write(clientHello, 0, clientHello.length);
        assertEquals(clientHello.length, wire.size());
        write("GET /latest/meta-data/ HTTP/1.1\r\n\r\n");
        assertEquals(0, heads.size(), "the rest of the connection is not read either");
    }

    @Test
    void nothingReachesTheWireBeforeTheHeadIsComplete() throws IOException {
        write("GET /latest/meta-data/ HTTP/1.1\r\nHost: imds\r\n");
        sniffer.flush();
        assertEquals(0, wire.size(), "the head is held until its blank line");
        write("\r\n");
        assertEquals(1, heads.size());
    }

    @Test
    void theTokenHeaderIsAddedRightAfterTheRequestLine() throws IOException {
        answer = "TOKEN-VALUE";
        write("GET /latest/meta-data/ami-id HTTP/1.1\r\nHost: imds\r\n\r\n");
        assertEquals(
                "GET /latest/meta-data/ami-id HTTP/1.1\r\nX-aws-ec2-metadata-token: TOKEN-VALUE\r\nHost: imds\r\n\r\n",
                wire.toString("ISO-8859-1"));
    }

    @Test
    void headersAreReadCaseInsensitivelyAndAbsoluteTargetsGiveTheirPath() throws IOException {
        write(
                "PUT http://169.254.169.254/latest/api/token HTTP/1.0\r\nx-AWS-ec2-metadata-TOKEN: t\r\n"
                        + "X-FORWARDED-FOR: 1.2.3.4\r\n\r\n");
        assertEquals("PUT /latest/api/token token=true relayed=true", heads.get(0));
    }

    @Test
    void everyRelayHeaderInAnyCaseMarksTheRequestRelayed() throws IOException {
        String[] relays = {
            "Forwarded: for=192.0.2.1",
            "x-forwarded-for: 192.0.2.1",
            "X-FORWARDED-HOST: example.com",
            "X-Real-Ip: 192.0.2.1",
            "via: 1.1 proxy"
        };
        for (String relay : relays) {
            write("GET /latest/meta-data/ HTTP/1.1\r\nHost: imds\r\n" + relay + "\r\n\r\n");
        }
        for (int i = 0; i < relays.length; i++) {
            assertEquals(
                    "GET /latest/meta-data/ token=false relayed=true", heads.get(i), relays[i]);
        }
    }

    @Test
    void aBodyOfContentLengthBytesIsSkippedAndTheNextHeadOnTheConnectionIsJudged()
            throws IOException {
        String first = "POST /latest/meta-data/x HTTP/1.1\r\nContent-Length: 8\r\n\r\n";
        String body = "\r\n\r\nGET /";
        String second = "GET /latest/user-data HTTP/1.1\r\n\r\n";
        write(first + body.substring(0, 8) + second);
        assertEquals(2, heads.size(), heads.toString());
        assertEquals("GET /latest/user-data token=false relayed=false", heads.get(1));
        assertEquals(first + body.substring(0, 8) + second, wire.toString("ISO-8859-1"));
    }

    @Test
    void aChunkedBodyOrSomethingThatIsNotHttpIsPassedThroughForTheRestOfTheConnection()
            throws IOException {
        write("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n");
        assertEquals(1, heads.size());
        write("GET /latest/meta-data/ HTTP/1.1\r\n\r\n");
        assertEquals(1, heads.size(), "no longer watching after a chunked body");

        HttpHeadSnifferTest other = new HttpHeadSnifferTest();
        other.write("\u0016\u0003\u0001 not http at all\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        assertEquals(0, other.heads.size());
        assertTrue(other.wire.toString("ISO-8859-1").endsWith("GET / HTTP/1.1\r\n\r\n"));
    }

    @Test
    void anOversizedHeadIsGivenUpOnAndSentAsItCame() throws IOException {
        StringBuilder huge = new StringBuilder("GET / HTTP/1.1\r\nX-Pad: ");
        while (huge.length() <= HttpHeadSniffer.MAX_HEAD) {
            huge.append('a');
        }
        write(huge + "\r\n\r\n");
        assertEquals(0, heads.size());
        assertEquals(
                "[GET /: request head over 16 KB]", unparsed.toString(), "counted, not judged");
        assertEquals(huge + "\r\n\r\n", wire.toString("ISO-8859-1"));
    }

    /** The request line itself over the limit: neither method nor path can name the request. */
    @Test
    void anOversizedRequestLineIsUnparsedWithoutMethodOrPath() throws IOException {
        StringBuilder huge = new StringBuilder("GET /");
        while (huge.length() <= HttpHeadSniffer.MAX_HEAD) {
            huge.append('A');
        }
        write(huge.toString());
        assertEquals("[null null (guessed): request head over 16 KB]", unparsed.toString());
        assertEquals(huge.toString(), wire.toString("ISO-8859-1"), "not held");
        assertTrue(sniffer.passingThrough(), "where the request ends is unknown");
    }

    @Test
    void aBadContentLengthIsUnparsedAndSentUnchanged() throws IOException {
        String request = "GET /x HTTP/1.1\r\nContent-Length: lots\r\n\r\n";
        write(request);
        assertEquals("[GET /x: bad Content-Length]", unparsed.toString());
        assertEquals(0, failures.size());
        assertEquals(request, wire.toString("ISO-8859-1"));
    }

    @Test
    void aHeadEndingInBareLineFeedsIsJudgedAtOnceAndPassedOnUnchanged() throws IOException {
        String request = "GET /latest/meta-data/ HTTP/1.1\nHost: imds\n\n";
        write(request);
        assertEquals("[GET /latest/meta-data/ token=false relayed=false]", heads.toString());
        assertEquals(request, wire.toString("ISO-8859-1"), "not held");
    }

    @Test
    void aTokenHeaderInABareLineFeedHeadEndsInALineFeedToo() throws IOException {
        answer = "T";
        write("GET /latest/meta-data/ HTTP/1.1\nHost: imds\r\n\n");
        assertEquals(
                "GET /latest/meta-data/ HTTP/1.1\nX-aws-ec2-metadata-token: T\nHost: imds\r\n\n",
                wire.toString("ISO-8859-1"));
    }

    @Test
    void oddSpacingInTheRequestLineIsReadAsServersReadIt() throws IOException {
        String request = "GET  /latest/meta-data/instance-id \tHTTP/1.1\r\nHost: imds\r\n\r\n";
        write(request);
        assertEquals(
                "[GET /latest/meta-data/instance-id token=false relayed=false]", heads.toString());
        assertEquals(request, wire.toString("ISO-8859-1"));
    }

    @Test
    void pipelinedHeadsWithMixedLineEndsInOneWriteAreEachJudged() throws IOException {
        String requests =
                "\r\nGET /latest/a HTTP/1.1\n\nGET /latest/b HTTP/1.1\r\n\r\nHEAD /latest/c HTTP/1.0\n\r\n";
        write(requests);
        assertEquals(
                "[GET /latest/a token=false relayed=false, GET /latest/b token=false relayed=false, "
                        + "HEAD /latest/c token=false relayed=false]",
                heads.toString());
        assertEquals(requests, wire.toString("ISO-8859-1"));
    }

    @Test
    void somethingThatCannotStartARequestIsDecidedOnItsFirstByteNeverHeld() throws IOException {
        write("{\"no\":\"http\"}");
        assertEquals("[null null (guessed): not an HTTP/1 request line]", unparsed.toString());
        assertEquals("{\"no\":\"http\"}", wire.toString("ISO-8859-1"));
    }

    @Test
    void aRequestLineWithoutAnHttp1VersionIsDecidedAtItsLineEnd() throws IOException {
        write("GET /latest/meta-data/\r\n");
        assertEquals(
                "[GET /latest/meta-data/ (guessed): not an HTTP/1 request line]",
                unparsed.toString(),
                "HTTP/0.9 has no head to wait for");
        assertEquals("GET /latest/meta-data/\r\n", wire.toString("ISO-8859-1"));
    }

    @Test
    void aRefusedRequestNeverReachesTheWireAndTheConnectionStaysRefused() throws IOException {
        refuse = true;
        StringBuilder huge = new StringBuilder("GET /latest/meta-data/ HTTP/1.1\r\nX-Pad: ");
        while (huge.length() <= HttpHeadSniffer.MAX_HEAD) {
            huge.append('a');
        }
        IOException first = assertThrows(IOException.class, () -> write(huge + "\r\n\r\n"));
        assertTrue(first.getMessage().startsWith(HttpHeadSniffer.REFUSED), first.getMessage());
        assertThrows(IOException.class, () -> write("GET /latest/meta-data/ HTTP/1.1\r\n\r\n"));
        assertEquals(0, wire.size(), "nothing of it was sent");
        assertEquals(1, unparsed.size());
    }

    @Test
    void closingWithAHalfWrittenHeadSendsWhatWasWritten() throws IOException {
        write("GET /latest/meta");
        sniffer.close();
        assertEquals("GET /latest/meta", wire.toString("ISO-8859-1"));
    }

    private void write(String text) throws IOException {
        byte[] bytes = text.getBytes(LATIN_1);
        sniffer.write(bytes, 0, bytes.length);
    }
}
