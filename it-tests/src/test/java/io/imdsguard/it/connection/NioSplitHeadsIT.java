package io.imdsguard.it.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.indirect.NioClientApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.RawCaptureServer;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An NIO client may write a request head in any number of writes: byte by byte, a line at a time,
 * or as the buffers of one gathering write. The NIO backstop judges the whole head, by the rules
 * the socket backstop reads heads with: a v1 head is counted once and, under enforce, never reaches
 * IMDS complete; a v2 head whose token header is split over writes is v2, passes, and is not
 * counted as v1. What it cannot read (a head over 16 KB) is {@code unparsed}, and under enforce
 * does not reach IMDS either. Under enforce the refused connection is reset: the JDK's HttpServer,
 * which the mock runs on, takes a head cut short by the end of its input as complete, so a clean
 * close would let the start of a v1 head through as a request.
 */
class NioSplitHeadsIT {

    private static final String PATH = "/latest/meta-data/instance-id";
    private static final String INSTANCE_ID = "i-0123456789abcdef0";

    static Stream<Arguments> splitHeads() {
        List<Arguments> cases = new ArrayList<>();
        for (String write : List.of("bytes", "split", "gather")) {
            for (String version : List.of("v1", "v2")) {
                for (String mode : List.of("report", "enforce")) {
                    cases.add(Arguments.of(write, version, mode));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}, mode={2}")
    @MethodSource("splitHeads")
    void aHeadSplitOverWritesIsJudgedByTheWholeHead(
            String write, String version, String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = run(mock, report, mode, write, version);
            String answer = answer(run);
            JsonNode totals = Reports.read(report).get("totals");
            long v1Received = received(mock, ReceivedRequest.Kind.V1);
            if (version.equals("v2")) {
                assertEquals("nio: 200 " + INSTANCE_ID, answer, run.describe());
                assertEquals(1, received(mock, ReceivedRequest.Kind.V2), mock.stats().summary());
                assertEquals(0, v1Received, mock.stats().summary());
                assertEquals(
                        0,
                        totals.get("v1").asLong(),
                        "a token split over writes is still v2: " + totals);
                assertEquals(0, totals.get("blocked").asLong(), totals.toString());
                assertEquals(0, totals.get("unparsed").asLong(), totals.toString());
            } else if (mode.equals("report")) {
                assertEquals("nio: 200 " + INSTANCE_ID, answer, run.describe());
                assertEquals(1, v1Received, mock.stats().summary());
                assertEquals(1, totals.get("v1").asLong(), "counted once, whole: " + totals);
                JsonNode site =
                        Reports.siteStartingWith(
                                Reports.read(report), NioClientApp.class.getName() + ".");
                assertTrue(
                        site != null,
                        "reported with the application's call site: " + Reports.read(report));
            } else {
                assertTrue(
                        answer.startsWith("nio: FAILED java.io.IOException"),
                        "the write completing the head is" + " refused:\n" + run.describe());
                assertEquals(
                        0, v1Received, "no v1 request reached IMDS: " + mock.stats().summary());
                assertEquals(1, totals.get("v1").asLong(), totals.toString());
                assertEquals(1, totals.get("blocked").asLong(), totals.toString());
            }
        }
    }

    static Stream<Arguments> headsTheOldNioReaderMissed() {
        List<Arguments> cases = new ArrayList<>();
        // A bare-LF head in report mode is in aBareLineFeedHeadPassesUnchanged: the mock (the JDK's
        // HttpServer) waits for a CRLF that never comes, with or without the agent.
        cases.add(Arguments.of("lf", "enforce"));
        cases.add(Arguments.of("huge", "report"));
        cases.add(Arguments.of("huge", "enforce"));
        return cases.stream();
    }

    /** A bare-LF head is read as servers read it; a head over 16 KB is unparsed. */
    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("headsTheOldNioReaderMissed")
    void aBareLineFeedHeadIsReadAndAnOversizedOneIsUnparsed(
            String write, String mode, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.OPTIONAL).start()) {
            Path report = dir.resolve("report.json");
            JvmResult run = run(mock, report, mode, write, "v1");
            String answer = answer(run);
            JsonNode totals = Reports.read(report).get("totals");
            String counted = write.equals("lf") ? "v1" : "unparsed";
            assertEquals(
                    1,
                    totals.get(counted).asLong(),
                    counted + ": " + totals + "\n" + run.describe());
            if (mode.equals("enforce")) {
                assertTrue(answer.startsWith("nio: FAILED java.io.IOException"), run.describe());
                assertEquals(0, received(mock, ReceivedRequest.Kind.V1), mock.stats().summary());
                assertEquals(1, totals.get("blocked").asLong(), totals.toString());
            } else {
                assertTrue(
                        !answer.startsWith("nio: FAILED"),
                        "passes as without the agent:\n" + run.describe());
                assertEquals(0, totals.get("blocked").asLong(), totals.toString());
            }
        }
    }

    /**
     * Against a server that reads bare-LF heads: read as v1, counted, and passed on byte for byte.
     */
    @Test
    void aBareLineFeedHeadPassesUnchanged(@TempDir Path dir) throws Exception {
        try (RawCaptureServer imds = new RawCaptureServer()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(NioClientApp.class, imds.endpoint() + PATH, "lf", "v1")
                            .withAgent("mode=report,report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals("nio: 200 ok", answer(run), run.describe());
            assertEquals(
                    List.of(
                            "GET "
                                    + PATH
                                    + " HTTP/1.1\nHost: 127.0.0.1:"
                                    + imds.port()
                                    + "\nConnection: close\n\n"),
                    imds.received());
            assertEquals(1, Reports.read(report).get("totals").get("v1").asLong(), run.describe());
        }
    }

    private static JvmResult run(
            MockImds mock, Path report, String mode, String write, String version)
            throws Exception {
        JvmResult run =
                AppJvm.mainClass(NioClientApp.class, mock.endpoint() + PATH, write, version)
                        .withAgent("mode=" + mode + ",report=" + report)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        return run;
    }

    private static String answer(JvmResult run) {
        return run.stdoutLines().stream()
                .filter(l -> l.startsWith("nio: "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
    }

    private static long received(MockImds mock, ReceivedRequest.Kind kind) {
        return mock.requests().stream().filter(r -> r.kind() == kind).count();
    }
}
