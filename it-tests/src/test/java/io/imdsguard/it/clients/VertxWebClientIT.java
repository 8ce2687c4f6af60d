package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.netty.NettyClientChecks;
import io.imdsguard.it.apps.clients.netty.VertxWebClientApp;
import io.imdsguard.mockimds.HttpTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static io.imdsguard.it.apps.clients.netty.NettyClientChecks.APPS;

/**
 * Vert.x WebClient: detected, rewritten and enforced where the request options are final, on the
 * thread that called send(), so the call site is the application's code.
 */
class VertxWebClientIT {

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
        NettyClientChecks.assertApplicationSitesHandledPerMode(VertxWebClientApp.class, "vertx-web-client", mode,
                tokens, v1Status, relayedStatus, v1Action, relayedAction, dir);
    }

    @Test
    void aTokenImdsRejectsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        NettyClientChecks.assertRejectedTokenIsDropped(VertxWebClientApp.class,
                "mode=rewrite,rewrite.callers=" + APPS);
    }
}
