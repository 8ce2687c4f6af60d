package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.netty.AsyncHttpClientApp;
import io.imdsguard.it.apps.clients.netty.NettyClientChecks;
import io.imdsguard.mockimds.HttpTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.APPS;

/**
 * AsyncHttpClient: detected, rewritten and enforced on the thread that made the request, so the
 * call site is the application's code even though the answer comes from an event loop.
 */
class AsyncHttpClientIT {

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
        NettyClientChecks.assertApplicationSitesHandledPerMode(AsyncHttpClientApp.class, "async-http-client", mode,
                tokens, v1Status, relayedStatus, v1Action, relayedAction, dir);
    }

    /** AsyncHttpClient 2.12 (the 2.x line many services still run), its jars from target/client-libs. */
    @ParameterizedTest(name = "AsyncHttpClient 2.12: mode={0}, HttpTokens={1}")
    @CsvSource({
        "report,  OPTIONAL, 200, 200, observed,  observed",
        "rewrite, REQUIRED, 200, 401, rewritten, rewrite_denied",
        "enforce, OPTIONAL, 401, 401, blocked,   blocked",
    })
    void version212IsHandledTheSameWay(String mode, HttpTokens tokens, int v1Status, int relayedStatus,
            String v1Action, String relayedAction, @TempDir Path dir) throws Exception {
        NettyClientChecks.assertApplicationSitesHandledPerMode("async-http-client-2.12", AsyncHttpClientApp.class,
                "async-http-client", mode, tokens, v1Status, relayedStatus, v1Action, relayedAction, dir);
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        NettyClientChecks.assertRejectedTokenIsDropped(AsyncHttpClientApp.class,
                "mode=rewrite,rewrite.callers=" + APPS);
    }
}
