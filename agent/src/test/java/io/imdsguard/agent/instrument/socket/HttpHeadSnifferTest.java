package io.imdsguard.agent.instrument.socket;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private String answer;

    private final HttpHeadSniffer sniffer = new HttpHeadSniffer(wire, new HttpHeadSniffer.HeadHandler() {
        @Override
        public String onHead(String method, String path, boolean carriesToken, boolean forwardedFor) {
            heads.add(method + " " + path + " token=" + carriesToken + " xff=" + forwardedFor);
            return answer;
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
        assertEquals("GET /latest/meta-data/instance-id token=false xff=false", heads.get(0));
        assertEquals(request, wire.toString("ISO-8859-1"));
    }

    /** TLS to an https endpoint, or any other protocol: passed on at once, never held waiting for a blank line. */
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
        assertEquals("GET /latest/meta-data/ami-id HTTP/1.1\r\nX-aws-ec2-metadata-token: TOKEN-VALUE\r\nHost: imds\r\n\r\n",
                wire.toString("ISO-8859-1"));
    }

    @Test
    void headersAreReadCaseInsensitivelyAndAbsoluteTargetsGiveTheirPath() throws IOException {
        write("PUT http://169.254.169.254/latest/api/token HTTP/1.0\r\nx-AWS-ec2-metadata-TOKEN: t\r\n"
                + "X-FORWARDED-FOR: 1.2.3.4\r\n\r\n");
        assertEquals("PUT /latest/api/token token=true xff=true", heads.get(0));
    }

    @Test
    void aBodyOfContentLengthBytesIsSkippedAndTheNextHeadOnTheConnectionIsJudged() throws IOException {
        String first = "POST /latest/meta-data/x HTTP/1.1\r\nContent-Length: 8\r\n\r\n";
        String body = "\r\n\r\nGET /";
        String second = "GET /latest/user-data HTTP/1.1\r\n\r\n";
        write(first + body.substring(0, 8) + second);
        assertEquals(2, heads.size(), heads.toString());
        assertEquals("GET /latest/user-data token=false xff=false", heads.get(1));
        assertEquals(first + body.substring(0, 8) + second, wire.toString("ISO-8859-1"));
    }

    @Test
    void aChunkedBodyOrSomethingThatIsNotHttpIsPassedThroughForTheRestOfTheConnection() throws IOException {
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
        assertEquals(huge + "\r\n\r\n", wire.toString("ISO-8859-1"));
    }

    @Test
    void aMalformedHeadIsReportedAsAnInternalErrorAndSentUnchanged() throws IOException {
        String request = "GET /x HTTP/1.1\r\nContent-Length: lots\r\n\r\n";
        write(request);
        assertEquals(1, failures.size());
        assertEquals(request, wire.toString("ISO-8859-1"));
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
