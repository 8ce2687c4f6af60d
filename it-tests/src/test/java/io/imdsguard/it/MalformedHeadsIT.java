package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.clients.socket.MalformedHeadsApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.RawCaptureServer;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request heads the raw-socket parser finds hard (bare LF line ends, a head over 16 KB, a double
 * space in the request line, pipelined and byte-by-byte writes, HTTP/0.9, not HTTP at all) reach
 * the server byte for byte as without the agent, and at once: the app gives up on an answer after 5
 * s, so a held request shows as TIMEOUT. What the agent cannot read is still counted, as {@code
 * unparsed} with its call site, and under enforce never reaches IMDS.
 */
class MalformedHeadsIT {

    private static final List<String> CASES =
            List.of(
                    "bare-lf",
                    "huge",
                    "double-space",
                    "pipelined",
                    "byte-by-byte",
                    "http09",
                    "junk");
    private static final List<String> UNREADABLE = List.of("huge", "http09", "junk");

    @Test
    void everyHeadReachesImdsAndAPlainServerExactlyAsWithoutTheAgentAndTheUnreadableAreCounted(
            @TempDir Path dir) throws Exception {
        try (RawCaptureServer imds = new RawCaptureServer();
                RawCaptureServer plain = new RawCaptureServer()) {
            JvmResult[] bare = new JvmResult[1];
            List<String> withoutAgent =
                    bytesReceived(
                            imds,
                            AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(imds.port()))
                                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()),
                            bare);
            List<String> plainWithout =
                    bytesReceived(
                            plain,
                            AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(plain.port()))
                                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()));

            Path report = dir.resolve("report.json");
            JvmResult[] run = new JvmResult[1];
            List<String> withAgent =
                    bytesReceived(
                            imds,
                            AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(imds.port()))
                                    .withAgent("report=" + report)
                                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()),
                            run);
            for (int i = 0; i < CASES.size(); i++) {
                assertEquals(
                        withoutAgent.get(i),
                        withAgent.get(i),
                        CASES.get(i) + ": bytes IMDS received");
            }
            assertEquals(
                    bare[0].stdoutLines(),
                    run[0].stdoutLines(),
                    "the same answers, none held: " + run[0].stdout());
            assertTrue(!run[0].stdout().contains("TIMEOUT"), run[0].stdout());
            JsonNode json = Reports.read(report);
            assertEquals(
                    UNREADABLE.size(),
                    json.get("totals").get("unparsed").asLong(),
                    json.toString());
            assertEquals(
                    5,
                    json.get("totals").get("v1").asLong(),
                    "bare-lf, double-space, 2 pipelined, byte-by-byte");
            JsonNode unparsedSite =
                    Reports.siteStartingWith(json, MalformedHeadsApp.class.getName() + ".send(");
            assertTrue(
                    run[0].agent()
                                    .linesContaining(
                                            "IMDS request the agent could not read (unparsed) from "
                                                    + MalformedHeadsApp.class.getName()
                                                    + ".send(")
                                    .size()
                            == 1,
                    run[0].stderr());
            assertTrue(unparsedSite != null, json.toString());

            List<String> plainWith =
                    bytesReceived(
                            plain,
                            AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(plain.port()))
                                    .withAgent("mode=enforce")
                                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()));
            assertEquals(
                    plainWithout,
                    plainWith,
                    "a server that is not IMDS gets every byte as sent, in any mode");
        }
    }

    @Test
    void underEnforceAnUnreadableRequestNeverReachesImdsAndTheReadableAreBlocked(@TempDir Path dir)
            throws Exception {
        try (RawCaptureServer imds = new RawCaptureServer()) {
            Path report = dir.resolve("report.json");
            JvmResult[] run = new JvmResult[1];
            List<String> received =
                    bytesReceived(
                            imds,
                            AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(imds.port()))
                                    .withAgent("mode=enforce,report=" + report)
                                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()),
                            run);
            List<String> out = run[0].stdoutLines();
            for (int i = 0; i < CASES.size(); i++) {
                String name = CASES.get(i);
                if (UNREADABLE.contains(name)) {
                    assertEquals("", received.get(i), name + ": nothing of it reached IMDS");
                    assertTrue(
                            out.get(i)
                                    .startsWith(
                                            name
                                                    + ": FAILED java.io.IOException: imds-guard refused"),
                            out.get(i));
                } else {
                    assertTrue(
                            received.get(i).contains("X-aws-ec2-metadata-token: "),
                            name + ": " + received.get(i));
                    assertEquals(
                            name + ": HTTP/1.1 200 OK",
                            out.get(i),
                            "the capture server is no real IMDS");
                }
            }
            JsonNode totals = Reports.read(report).get("totals");
            assertEquals(UNREADABLE.size() + 5, totals.get("blocked").asLong(), totals.toString());
        }
    }

    @Test
    void theMockAnswersEveryHeadWithTheAgentAsItDoesWithout() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            JvmResult without =
                    AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(mock.port()))
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            JvmResult with =
                    AppJvm.mainClass(MalformedHeadsApp.class, String.valueOf(mock.port()))
                            .withAgent("mode=report")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, with.exitCode(), with.describe());
            assertEquals(without.stdoutLines(), with.stdoutLines(), with.describe());
            // The JDK's HTTP server (the mock) answers some of these heads differently from EC2's
            // (a bare-LF head
            // gets no answer from it): what matters is that the agent changes none of the answers.
            assertTrue(with.stdout().contains("huge: HTTP/1.1 200 OK"), with.stdout());
        }
    }

    private static List<String> bytesReceived(RawCaptureServer server, AppJvm app)
            throws Exception {
        return bytesReceived(server, app, new JvmResult[1]);
    }

    private static List<String> bytesReceived(
            RawCaptureServer server, AppJvm app, JvmResult[] result) throws Exception {
        server.reset();
        JvmResult run = app.run();
        assertEquals(0, run.exitCode(), run.describe());
        result[0] = run;
        List<String> received = server.received();
        assertEquals(CASES.size(), received.size(), received.toString());
        return received;
    }
}
