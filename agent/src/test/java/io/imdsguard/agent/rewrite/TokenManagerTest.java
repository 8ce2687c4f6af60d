package io.imdsguard.agent.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenManagerTest {

    private static final String ORIGIN = "http://127.0.0.1:1338";

    /** Refresh from 80 s on, stop using the token at 99 s (100 s minus min(1 s, 10%)). */
    private static final int TTL = 100;

    @TempDir Path dir;

    private final FakeClock clock = new FakeClock();
    private final FakeTokenFetcher fetcher = new FakeTokenFetcher();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Path logFile;
    private TokenManager manager;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        logFile = dir.resolve("agent.log");
        ImdsMetrics metrics = new ImdsMetrics();
        metrics.addRegistry(registry);
        // debug on, so that the debug lines are checked for token leaks too
        manager =
                new TokenManager(
                        ORIGIN,
                        fetcher,
                        TTL,
                        clock,
                        AgentLog.open(logFile.toString(), true),
                        metrics);
        pool = Executors.newFixedThreadPool(20);
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        // Whatever a test did, the token never reaches the log.
        assertFalse(
                log().contains(FakeTokenFetcher.SECRET_MARK), "the log shows a token:\n" + log());
    }

    @Test
    void aTokensLifeCountsFromTheRequestNotFromASlowAnswer() {
        // IMDS issued the token when the PUT arrived; its answer took 30 s more to come back.
        fetcher.whileFetching(() -> clock.advanceSeconds(30));
        assertEquals(fetcher.token(1), manager.token().value());
        fetcher.whileFetching(null);

        clock.advanceSeconds(69 - 30);
        assertEquals(
                fetcher.token(1), manager.token().value(), "still in use 69 s after the request");
        clock.advanceSeconds(30);
        assertEquals(
                fetcher.token(2),
                manager.token().value(),
                "at 99 s after the request IMDS is about to refuse it, however late the answer came");
        assertEquals(2, fetcher.calls());
    }

    @Test
    void theFirstCallFetchesOnceAndLaterCallsUseTheCachedToken() {
        TokenResult first = manager.token();
        assertTrue(first.ok());
        assertEquals(fetcher.token(1), first.value());
        assertNull(first.failureReason());
        assertEquals(1, fetcher.calls());
        assertEquals(ORIGIN, fetcher.origins().get(0));
        assertEquals(Integer.valueOf(TTL), fetcher.requestedTtls().get(0));

        clock.advanceSeconds(10);
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(1, fetcher.calls());
        assertFalse(manager.token().toString().contains(FakeTokenFetcher.SECRET_MARK));
    }

    @Test
    void sixteenConcurrentFirstCallsCauseExactlyOneFetchAndAllGetTheSameToken() throws Exception {
        FakeTokenFetcher.Gate gate = fetcher.blockFetches();
        List<Thread> threads = new ArrayList<Thread>();
        final TokenResult[] results = new TokenResult[16];
        for (int i = 0; i < results.length; i++) {
            final int n = i;
            Thread t =
                    new Thread(
                            new Runnable() {
                                @Override
                                public void run() {
                                    results[n] = manager.token();
                                }
                            },
                            "token-caller-" + i);
            threads.add(t);
            t.start();
        }
        gate.awaitEntered();
        // Let all of them pile up behind the one fetch before it completes.
        awaitAllParked(threads);
        gate.release();
        for (Thread t : threads) {
            t.join(5000);
            assertFalse(t.isAlive());
        }
        assertEquals(1, fetcher.calls());
        for (TokenResult result : results) {
            assertTrue(result.ok(), String.valueOf(result));
            assertEquals(fetcher.token(1), result.value());
        }
    }

    @Test
    void theTokenIsCachedUntil80PercentOfItsLifetime() {
        manager.token();
        clock.advanceSeconds(80);
        clock.advanceNanos(-1);
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(1, fetcher.calls());

        clock.advanceNanos(1);
        TokenResult refreshed = manager.token();
        assertEquals(2, fetcher.calls());
        assertEquals(fetcher.token(2), refreshed.value());

        // The new token's lifetime counts from its own fetch.
        clock.advanceSeconds(79);
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(2, fetcher.calls());
    }

    @Test
    void theLifetimeIsTheOneImdsGranted() {
        fetcher.grantTtl(10);
        manager.token();
        clock.advanceSeconds(7);
        manager.token();
        assertEquals(1, fetcher.calls());
        clock.advanceSeconds(1);
        manager.token();
        assertEquals(2, fetcher.calls());
    }

    @Test
    void aShortLivedTokenGoesOutOfUseAQuarterOfItsLifeEarly() {
        fetcher.grantTtl(2);
        String first = manager.token().value();
        fetcher.failWith("timeout");
        clock.advanceMillis(1400);
        assertEquals(
                first,
                manager.token().value(),
                "the refresh failed, the token is still good to use");
        clock.advanceMillis(100);
        assertFalse(
                manager.token().ok(),
                "0.5 s before IMDS refuses it, a request may still be on its way");
    }

    @Test
    void inTheRefreshWindowOneThreadFetchesAndTheOthersGetTheOldTokenWithoutWaiting()
            throws Exception {
        manager.token();
        clock.advanceSeconds(85);
        FakeTokenFetcher.Gate gate = fetcher.blockFetches();
        Future<TokenResult> refresher = pool.submit(tokenCall());
        gate.awaitEntered();

        List<Future<TokenResult>> others = new ArrayList<Future<TokenResult>>();
        for (int i = 0; i < 8; i++) {
            others.add(pool.submit(tokenCall()));
        }
        for (Future<TokenResult> other : others) {
            // get() with a bound: a caller that waited for the blocked fetch would never return.
            assertEquals(fetcher.token(1), other.get(5, TimeUnit.SECONDS).value());
        }
        TokenResult mine = assertTimeoutPreemptively(Duration.ofSeconds(5), tokenCall()::call);
        assertEquals(fetcher.token(1), mine.value());
        assertEquals(2, fetcher.calls(), "only the refreshing thread fetches");
        assertFalse(refresher.isDone());

        gate.release();
        assertEquals(fetcher.token(2), refresher.get(5, TimeUnit.SECONDS).value());
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(2, fetcher.calls());
    }

    @Test
    void afterExpiryTheOldTokenIsNeverHandedOutAndAFetchIsMandatory() {
        manager.token();
        clock.advanceSeconds(99);
        fetcher.failWith("timeout");
        TokenResult expired = manager.token();
        assertFalse(expired.ok());
        assertNull(expired.value());
        assertEquals("timeout", expired.failureReason());
        assertEquals(2, fetcher.calls());

        clock.advanceSeconds(5);
        fetcher.succeed();
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(3, fetcher.calls());
    }

    @Test
    void afterExpiryCallersWaitForTheNewTokenRatherThanUseTheExpiredOne() throws Exception {
        manager.token();
        clock.advanceSeconds(120);
        FakeTokenFetcher.Gate gate = fetcher.blockFetches();
        List<Future<TokenResult>> callers = new ArrayList<Future<TokenResult>>();
        for (int i = 0; i < 4; i++) {
            callers.add(pool.submit(tokenCall()));
        }
        gate.awaitEntered();
        gate.release();
        for (Future<TokenResult> caller : callers) {
            assertEquals(fetcher.token(2), caller.get(5, TimeUnit.SECONDS).value());
        }
        assertEquals(2, fetcher.calls());
    }

    @Test
    void aRejectedTokenIsDroppedAndTheNextCallFetchesANewOne() {
        manager.token();
        manager.rejected("some-other-token");
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(1, fetcher.calls());

        manager.rejected(fetcher.token(1));
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(2, fetcher.calls());

        // A late 401 for the token already replaced changes nothing.
        manager.rejected(fetcher.token(1));
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(2, fetcher.calls());
    }

    @Test
    void eightThreadsReportingTheSameRejectionCauseOneNewFetch() throws Exception {
        manager.token();
        final String rejected = fetcher.token(1);
        final CountDownLatch go = new CountDownLatch(1);
        List<Future<TokenResult>> callers = new ArrayList<Future<TokenResult>>();
        for (int i = 0; i < 8; i++) {
            callers.add(
                    pool.submit(
                            new Callable<TokenResult>() {
                                @Override
                                public TokenResult call() throws Exception {
                                    go.await();
                                    manager.rejected(rejected);
                                    return manager.token();
                                }
                            }));
        }
        go.countDown();
        for (Future<TokenResult> caller : callers) {
            assertEquals(fetcher.token(2), caller.get(5, TimeUnit.SECONDS).value());
        }
        assertEquals(2, fetcher.calls());
    }

    @Test
    void afterAFailureTheFetcherIsNotAskedAgainUntilTheBackOffElapses() {
        fetcher.failWith("timeout");
        long[] backOffSeconds = {5, 10, 20, 40, 60, 60};
        int expectedCalls = 1;
        assertEquals("timeout", manager.token().failureReason());
        assertEquals(expectedCalls, fetcher.calls());
        for (long backOff : backOffSeconds) {
            for (int i = 0; i < 3; i++) {
                TokenResult during = manager.token();
                assertFalse(during.ok());
                assertEquals("timeout", during.failureReason());
            }
            clock.advanceSeconds(backOff);
            clock.advanceNanos(-1);
            assertEquals("timeout", manager.token().failureReason());
            assertEquals(
                    expectedCalls,
                    fetcher.calls(),
                    "asked again before the " + backOff + " s back-off elapsed");
            clock.advanceNanos(1);
            assertEquals("timeout", manager.token().failureReason());
            expectedCalls++;
            assertEquals(
                    expectedCalls,
                    fetcher.calls(),
                    "not asked again after the " + backOff + " s back-off");
        }
    }

    @Test
    void concurrentCallersDuringABackOffDoNotReachTheFetcher() throws Exception {
        fetcher.failWith("refused");
        manager.token();
        List<Future<TokenResult>> callers = new ArrayList<Future<TokenResult>>();
        for (int i = 0; i < 16; i++) {
            callers.add(pool.submit(tokenCall()));
        }
        for (Future<TokenResult> caller : callers) {
            assertEquals("refused", caller.get(5, TimeUnit.SECONDS).failureReason());
        }
        assertEquals(1, fetcher.calls());
    }

    @Test
    void aSuccessResetsTheBackOff() {
        fetcher.failWith("throttled");
        manager.token(); // fails: back-off 5 s
        clock.advanceSeconds(5);
        manager.token(); // fails: back-off 10 s
        clock.advanceSeconds(10);
        fetcher.succeed();
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(3, fetcher.calls());

        clock.advanceSeconds(TTL); // expired
        fetcher.failWith("throttled");
        assertFalse(manager.token().ok());
        assertEquals(4, fetcher.calls());
        clock.advanceSeconds(5); // back to the first back-off, not 20 s
        manager.token();
        assertEquals(5, fetcher.calls());
    }

    @Test
    void aFailureInTheRefreshWindowKeepsHandingOutTheStillValidToken() {
        manager.token();
        clock.advanceSeconds(85);
        fetcher.failWith("server_error");
        TokenResult during = manager.token();
        assertTrue(during.ok());
        assertEquals(fetcher.token(1), during.value());
        assertEquals(2, fetcher.calls());

        clock.advanceSeconds(1); // 86 s: in the back-off, still valid
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(2, fetcher.calls());

        clock.advanceSeconds(4); // 90 s: back-off over, fails again (next back-off 10 s)
        assertEquals(fetcher.token(1), manager.token().value());
        assertEquals(3, fetcher.calls());

        clock.advanceSeconds(9); // 99 s: expired, still in the back-off
        TokenResult expired = manager.token();
        assertFalse(expired.ok());
        assertEquals("server_error", expired.failureReason());
        assertEquals(3, fetcher.calls());

        clock.advanceSeconds(1); // 100 s: back-off over
        fetcher.succeed();
        assertEquals(fetcher.token(2), manager.token().value());
        assertEquals(4, fetcher.calls());
    }

    @Test
    void aFailureIsLoggedOncePerReasonNotOnEveryCall() throws IOException {
        fetcher.failWith("timeout");
        for (int attempt = 0; attempt < 4; attempt++) {
            for (int i = 0; i < 5; i++) {
                manager.token();
            }
            clock.advanceSeconds(60);
        }
        assertEquals(4, fetcher.calls());
        assertEquals(1, linesContaining("reason timeout"), log());

        fetcher.failWith("refused");
        manager.token();
        clock.advanceSeconds(60);
        manager.token();
        assertEquals(6, fetcher.calls());
        assertEquals(1, linesContaining("reason refused"), log());
        assertEquals(1, linesContaining("reason timeout"), log());
        assertTrue(log().contains(ORIGIN), log());

        fetcher.succeed();
        clock.advanceSeconds(60);
        assertTrue(manager.token().ok());
        assertEquals(1, linesContaining("again"), log());
    }

    @Test
    void theLogNeverShowsTheToken() throws IOException {
        manager.token();
        manager.rejected(fetcher.token(1));
        manager.token();
        clock.advanceSeconds(85);
        fetcher.failWith("forbidden");
        manager.token();
        clock.advanceSeconds(60);
        fetcher.succeed();
        manager.token();
        String log = log();
        assertFalse(log.isEmpty());
        for (int n = 1; n <= 3; n++) {
            assertFalse(log.contains(fetcher.token(n)), log);
        }
        assertFalse(log.contains(FakeTokenFetcher.SECRET_MARK), log);
    }

    @Test
    void tokenFetchesAreCountedByOutcome() {
        manager.token(); // success
        clock.advanceSeconds(99);
        fetcher.failWith("timeout");
        manager.token(); // timeout
        manager.token(); // back-off: not a fetch
        clock.advanceSeconds(5);
        manager.token(); // timeout
        clock.advanceSeconds(10);
        fetcher.failWith("forbidden");
        manager.token(); // forbidden
        clock.advanceSeconds(20);
        fetcher.succeed();
        manager.token(); // success

        assertEquals(2.0, fetches("success"));
        assertEquals(2.0, fetches("timeout"));
        assertEquals(1.0, fetches("forbidden"));
        assertNull(
                registry.find(ImdsMetrics.TOKEN_FETCHES)
                        .tag("outcome", "refused")
                        .functionCounter());
        assertEquals(5, fetcher.calls());
    }

    private double fetches(String outcome) {
        FunctionCounter counter =
                registry.find(ImdsMetrics.TOKEN_FETCHES).tag("outcome", outcome).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private Callable<TokenResult> tokenCall() {
        return new Callable<TokenResult>() {
            @Override
            public TokenResult call() {
                return manager.token();
            }
        };
    }

    private String log() throws IOException {
        return Files.exists(logFile)
                ? new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                : "";
    }

    private int linesContaining(String text) throws IOException {
        int count = 0;
        for (String line : log().split("\n")) {
            if (line.contains(text)) {
                count++;
            }
        }
        return count;
    }

    /** Waits (at most 5 s) until every thread is parked: on the manager's lock, or in the fetch. */
    private static void awaitAllParked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Thread t : threads) {
                Thread.State state = t.getState();
                if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(5);
        }
    }

    @Test
    void anUnexpectedFetcherExceptionCountsAsAFailureWithBackOff() {
        final int[] calls = {0};
        TokenManager crashing =
                new TokenManager(
                        ORIGIN,
                        new TokenFetcher() {
                            @Override
                            public FetchedToken fetch(String origin, int ttl) {
                                calls[0]++;
                                throw new SecurityException("not allowed here");
                            }
                        },
                        TTL,
                        clock,
                        AgentLog.open(logFile.toString(), true),
                        new ImdsMetrics());

        TokenResult first = crashing.token();
        assertFalse(first.ok());
        assertEquals("error", first.failureReason());
        assertEquals("error", crashing.token().failureReason());
        assertEquals(1, calls[0], "the back-off applies to unexpected failures too");
        clock.advanceSeconds(5);
        crashing.token();
        assertEquals(2, calls[0]);
    }
}
