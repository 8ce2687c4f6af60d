package io.imdsguard.agent.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosesTest {

    private static final String CLIENT = "HttpURLConnection";
    private static final CallerFrames SDK_PUT =
            frames("com.amazonaws.internal.ConnectionUtils", "connectToEndpoint", 71);
    private static final CallerFrames SDK_GET = SDK_PUT;
    private static final CallerFrames APP_TOKEN = frames("com.acme.ImdsReader", "token", 20);
    private static final CallerFrames APP_READ = frames("com.acme.ImdsReader", "read", 31);
    private static final CallerFrames OTHER_CODE = frames("com.acme.Billing", "region", 12);

    @TempDir Path dir;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private Path logFile;
    private ImdsMetrics metrics;
    private Diagnoses diagnoses;

    @BeforeEach
    void wire() {
        logFile = dir.resolve("agent.log");
        metrics = new ImdsMetrics();
        metrics.addRegistry(new SimpleMeterRegistry());
        DiagnosisRegistry registry =
                new DiagnosisRegistry(
                        AgentLog.open(logFile.toString(), false),
                        RuntimeInfo.current("billing"),
                        metrics);
        diagnoses =
                new Diagnoses(
                        registry,
                        new Diagnoses.Clock() {
                            @Override
                            public long millis() {
                                return now.get();
                            }
                        });
    }

    private static CallerFrames frames(String className, String method, int line) {
        String file = className.substring(className.lastIndexOf('.') + 1) + ".java";
        return CallerFrames.of(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "sun.net.www.protocol.http.HttpURLConnection",
                            "connect",
                            "HttpURLConnection.java",
                            1),
                    new StackTraceElement(className, method, file, line),
                    new StackTraceElement("com.acme.Main", "main", "Main.java", 5),
                });
    }

    private void failedPutThenV1(CallerFrames put, String failure, CallerFrames v1) {
        diagnoses.tokenRequested(CLIENT, put, true);
        diagnoses.tokenFailedOnThisThread(failure);
        diagnoses.v1Call(CLIENT, v1);
    }

    private List<Diagnosis> all() {
        return diagnoses.registry().snapshot();
    }

    private List<String> diagnosisLines() throws IOException {
        List<String> lines = new ArrayList<String>();
        if (!Files.exists(logFile)) {
            return lines;
        }
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            if (line.startsWith(AgentLog.PREFIX + "diagnosis ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private double counted(String diagnosis, String site) {
        Counter counter =
                metrics.registry()
                        .find(ImdsMetrics.DIAGNOSES)
                        .tag("diagnosis", diagnosis)
                        .tag("site", site)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aV1CallRightAfterTheSameCodesTokenPutTimedOutIsTheHopLimitSignature() throws IOException {
        failedPutThenV1(SDK_PUT, TokenFailure.TIMEOUT, SDK_GET);
        now.addAndGet(1500);
        failedPutThenV1(SDK_PUT, TokenFailure.TIMEOUT, SDK_GET);

        assertEquals(1, all().size());
        Diagnosis d = all().get(0);
        assertEquals(DiagnosisKind.HOP_LIMIT, d.kind());
        assertEquals(
                "com.amazonaws.internal.ConnectionUtils.connectToEndpoint(ConnectionUtils.java:71)",
                d.site());
        assertEquals(CLIENT, d.client());
        assertEquals(2, d.count(), "every fallback counts");
        assertEquals("timeout", d.failure());
        assertEquals(DiagnosisAdvice.HOP_LIMIT, d.advice());
        assertEquals(2, d.tokens());
        assertEquals(1500, d.lastSeen() - d.firstSeen());
        assertEquals(
                2.0,
                counted("hop_limit", "com.amazonaws.internal.ConnectionUtils.connectToEndpoint"));

        List<String> lines = diagnosisLines();
        assertEquals(1, lines.size(), "logged once per site: " + lines);
        String line = lines.get(0);
        assertTrue(
                line.startsWith(
                        AgentLog.PREFIX
                                + "diagnosis hop-limit at com.amazonaws.internal.ConnectionUtils"
                                + ".connectToEndpoint(ConnectionUtils.java:71): client=HttpURLConnection failure=timeout service=billing"
                                + " pid="),
                line);
        assertTrue(line.contains(" host="), line);
        assertTrue(line.contains("--http-put-response-hop-limit 2"), line);
        assertTrue(line.contains("host networking"), line);
    }

    @Test
    void theTokenAndTheReadMayBeDifferentMethodsOfTheSameClass() {
        failedPutThenV1(APP_TOKEN, TokenFailure.TIMEOUT, APP_READ);
        assertEquals(1, all().size());
        assertEquals("com.acme.ImdsReader.read(ImdsReader.java:31)", all().get(0).site());
    }

    @Test
    void anAnsweredRefusalIsToldApartFromTheHopLimit() throws IOException {
        failedPutThenV1(SDK_PUT, "status 403", SDK_GET);
        Diagnosis d = all().get(0);
        assertEquals("status 403", d.failure());
        assertFalse(d.advice().startsWith("raise HttpPutResponseHopLimit"), d.advice());
        assertTrue(d.advice().contains("not the hop limit"), d.advice());
        assertTrue(
                diagnosisLines().get(0).contains("failure=status_403"),
                diagnosisLines().toString());
    }

    @Test
    void noDiagnosisWithoutAFailedPutFromTheSameCodeShortlyBefore() throws IOException {
        diagnoses.tokenRequested(CLIENT, SDK_PUT, true);
        diagnoses.v1Call(CLIENT, SDK_GET);
        assertTrue(all().isEmpty(), "the PUT succeeded: " + all());

        failedPutThenV1(SDK_PUT, TokenFailure.TIMEOUT, OTHER_CODE);
        assertTrue(all().isEmpty(), "other code's v1 call: " + all());

        diagnoses.tokenRequested(CLIENT, SDK_PUT, true);
        diagnoses.tokenFailedOnThisThread(TokenFailure.TIMEOUT);
        now.addAndGet(Diagnoses.HOP_LIMIT_WINDOW_MILLIS + 1);
        diagnoses.v1Call(CLIENT, SDK_GET);
        assertTrue(all().isEmpty(), "too long after the PUT: " + all());
        assertTrue(diagnosisLines().isEmpty());
    }

    @Test
    void oneFailedPutExplainsOneFallbackNotEveryLaterV1Call() {
        failedPutThenV1(SDK_PUT, TokenFailure.TIMEOUT, SDK_GET);
        diagnoses.v1Call(CLIENT, SDK_GET);
        diagnoses.v1Call(CLIENT, SDK_GET);
        assertEquals(1, all().get(0).count());
    }

    @Test
    void aFailureKnownOnlyLaterIsReadWhenTheV1CallComes() {
        diagnoses.tokenRequested("java.net.http.HttpClient", SDK_PUT, true);
        diagnoses
                .currentAttempt()
                .outcomeLater(
                        new TokenAttempt.PendingOutcome() {
                            @Override
                            public String failure() {
                                return TokenFailure.of(
                                        0,
                                        new java.util.concurrent.CompletionException(
                                                new SocketTimeoutException("request timed out")));
                            }
                        });
        diagnoses.v1Call("java.net.http.HttpClient", SDK_GET);
        assertEquals("timeout", all().get(0).failure());
    }

    @Test
    void aSettledOutcomeIsKeptAndASuccessDiagnosesNothing() {
        diagnoses.tokenRequested("java.net.http.HttpClient", SDK_PUT, true);
        diagnoses.currentAttempt().settle(null);
        diagnoses.v1Call("java.net.http.HttpClient", SDK_GET);
        assertTrue(all().isEmpty(), all().toString());

        diagnoses.tokenRequested("java.net.http.HttpClient", SDK_PUT, true);
        diagnoses.currentAttempt().settle("status 405");
        diagnoses.v1Call("java.net.http.HttpClient", SDK_GET);
        assertEquals("status 405", all().get(0).failure());
    }

    @Test
    void aTokenPerReadIsChurnWithItsRatio() throws IOException {
        for (int i = 0; i < TokenChurnRule.MIN_READS - 1; i++) {
            diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
            diagnoses.v2Read();
        }
        assertTrue(all().isEmpty(), "no verdict before " + TokenChurnRule.MIN_READS + " reads");
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        diagnoses.v2Read();

        Diagnosis d = all().get(0);
        assertEquals(DiagnosisKind.TOKEN_CHURN, d.kind());
        assertEquals("com.acme.ImdsReader.token(ImdsReader.java:20)", d.site());
        assertEquals(5, d.tokens());
        assertEquals(5, d.reads());
        assertEquals(1.0, d.tokensPerRead(), 1e-9);
        assertEquals(5, d.count(), "the token PUTs that made the verdict");
        assertNull(d.failure());

        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        diagnoses.v2Read();
        assertEquals(6, all().get(0).count(), "every later PUT of a churning site counts");
        assertEquals(6.0, counted("token_churn", "com.acme.ImdsReader.token"));

        List<String> lines = diagnosisLines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(
                lines.get(0)
                        .startsWith(
                                AgentLog.PREFIX
                                        + "diagnosis token-churn at com.acme.ImdsReader.token"
                                        + "(ImdsReader.java:20): client=HttpURLConnection tokens=5 reads=5 tokens-per-read=1.00 service=billing"),
                lines.get(0));
        assertTrue(lines.get(0).contains("advice: reuse the IMDSv2 token"), lines.get(0));
    }

    @Test
    void aCachedTokenIsNotChurn() {
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        for (int i = 0; i < 50; i++) {
            diagnoses.v2Read();
        }
        // refreshed twice more: 3 tokens for 60 reads
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        for (int i = 0; i < 10; i++) {
            diagnoses.v2Read();
        }
        assertTrue(all().isEmpty(), all().toString());
    }

    @Test
    void readsOnAThreadThatNeverFetchedATokenAreNotAttributed() throws Exception {
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        diagnoses.tokenRequested(CLIENT, APP_TOKEN, true);
        Thread reader =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                for (int i = 0; i < 10; i++) {
                                    diagnoses.v2Read();
                                }
                            }
                        });
        reader.start();
        reader.join();
        assertTrue(all().isEmpty(), all().toString());
    }

    @Test
    void theChurnRuleNeedsEnoughReadsAndHalfATokenPerRead() {
        assertFalse(TokenChurnRule.churns(4, 4));
        assertTrue(TokenChurnRule.churns(5, 5));
        assertTrue(TokenChurnRule.churns(5, 10));
        assertFalse(TokenChurnRule.churns(4, 10));
        assertFalse(TokenChurnRule.churns(1, 1000));
    }
}
