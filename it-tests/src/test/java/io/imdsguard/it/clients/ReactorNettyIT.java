package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.netty.NettyClientChecks;
import io.imdsguard.it.apps.clients.netty.NettyClientChecks.Run;
import io.imdsguard.it.apps.clients.netty.ReactorNettyApp;
import io.imdsguard.it.apps.clients.netty.SpringWebClientApp;
import io.imdsguard.it.support.AgentOutput.FirstSight;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.APPS;
import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.assertSight;
import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.received;
import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactor Netty's HttpClient, and Spring's WebClient on it: detected, rewritten and enforced where
 * the headers are final, on the event loop, yet attributed to the application's code and thread,
 * where the request was made.
 */
class ReactorNettyIT {

    private static final String CLIENT = "reactor-netty";

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}")
    @CsvSource({
        "report,  OPTIONAL, 200, 200, observed,  observed",
        "report,  REQUIRED, 401, 401, observed,  observed",
        "rewrite, OPTIONAL, 200, 200, rewritten, rewrite_denied",
        "rewrite, REQUIRED, 200, 401, rewritten, rewrite_denied",
        "enforce, OPTIONAL, 401, 401, blocked,   blocked",
        "enforce, REQUIRED, 401, 401, blocked,   blocked",
    })
    void v1CallsAreReportedAtTheApplicationsCallSiteAndHandledPerMode(String mode, HttpTokens tokens, int v1Status,
            int relayedStatus, String v1Action, String relayedAction, @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Run run = NettyClientChecks.run(ReactorNettyApp.class, mock, "mode=" + mode + ",rewrite.callers=" + APPS,
                    dir, "v1", "v1", "v1-xff", "v1-send", "v2");
            String stdout = run.jvm().stdout();

            assertEquals(List.of(v1Status, v1Status), run.results("v1").stream().map(NettyClientChecks::status)
                    .toList(), stdout);
            assertEquals(relayedStatus, status(run.results("v1-xff").get(0)), stdout);
            assertEquals(v1Status, status(run.results("v1-send").get(0)), "headers set in a send callback: " + stdout);
            assertEquals(List.of("200 ami-0abcdef1234567890"), run.results("v2"),
                    "v2 untouched in every mode, its token set in a send callback: " + stdout);

            // Sent from an event loop, yet attributed to the application's methods and thread.
            List<FirstSight> sights = run.sights(CLIENT);
            assertEquals(3, sights.size(), "v1Read, v1Relayed, v1WithSendCallback; v2 is not v1:\n"
                    + run.jvm().stderr());
            String app = ReactorNettyApp.class.getName();
            assertSight(sights, app + ".v1Read(", v1Action);
            assertSight(sights, app + ".v1Relayed(", relayedAction);
            assertSight(sights, app + ".v1WithSendCallback(", v1Action);
            assertTrue(sights.stream().allMatch(s -> s.thread().equals("main")), "the caller's thread: " + sights);

            assertEquals(4, run.total("v1"));
            assertEquals(1, run.total("v2"), "the app's own v2 read");
            assertEquals(1, run.total("token"), "the app's own token PUT");
            assertEquals(3, run.total("v1CallSites"));

            NettyClientChecks.assertWhatImdsReceived(mock, mode);
            NettyClientChecks.assertNoTokenLeak(mock, run);
        }
    }

    @ParameterizedTest(name = "Spring WebClient, mode={0}, HttpTokens={1}")
    @CsvSource({
        "report,  OPTIONAL, 200, observed",
        "rewrite, REQUIRED, 200, rewritten",
        "enforce, OPTIONAL, 401, blocked",
    })
    void springWebClientIsCoveredThroughReactorNetty(String mode, HttpTokens tokens, int v1Status, String action,
                                                     @TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(tokens).start()) {
            Run run = NettyClientChecks.run(SpringWebClientApp.class, mock,
                    "mode=" + mode + ",rewrite.callers=" + APPS, dir, "v1", "v2");

            assertEquals(v1Status, status(run.results("v1").get(0)), run.jvm().stdout());
            assertEquals(List.of("200 ami-0abcdef1234567890"), run.results("v2"),
                    "WebClient's headers (set in its connector's send callback) are seen: v2 stays v2");
            List<FirstSight> sights = run.sights(CLIENT);
            assertEquals(1, sights.size(), run.jvm().stderr());
            assertTrue(sights.get(0).site().startsWith(SpringWebClientApp.class.getName() + "."), sights.toString());
            assertEquals("main", sights.get(0).thread(), "where the application subscribed");
            assertEquals(action, sights.get(0).action());
            assertEquals(1, run.total("v1"));
            assertEquals(1, run.total("v2"));
            assertEquals(1, run.total("token"));
            assertEquals(mode.equals("report") ? 1 : 0, received(mock, Kind.V1), mock.requests().toString());
            NettyClientChecks.assertNoTokenLeak(mock, run);
        }
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        NettyClientChecks.assertRejectedTokenIsDropped(ReactorNettyApp.class,
                "mode=rewrite,rewrite.callers=" + APPS);
    }
}
