package io.imdsguard.it.clients.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;

/**
 * IMDS restarted (it forgets its tokens) under mode=rewrite against HttpTokens=required, for a
 * client app that takes its calls one at a time from standard input: like HttpURLConnection
 * (docs/limits.md) the one call sent with the dead token gets the 401, not re-sent; the agent drops
 * that token on the 401, and the next call gets a fresh one at once.
 */
public final class TokenRestart {

    public static final String INSTANCE_ID = "i-0123456789abcdef0";

    private final MockImds mock;
    private final AppJvm.Running app;

    private TokenRestart(MockImds mock, AppJvm.Running app) {
        this.mock = mock;
        this.app = app;
    }

    /**
     * Starts the app (it prints {@code ready}, then answers each step) against a required-token
     * mock.
     */
    public static TokenRestart start(MockImds mock, AppJvm app)
            throws IOException, InterruptedException {
        AppJvm.Running running =
                app.withAgent("mode=rewrite,rewrite.callers=" + ClientContract.APPS)
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .start();
        running.awaitStdout("ready");
        return new TokenRestart(mock, running);
    }

    public static MockImds requiredTokenImds() throws IOException {
        return MockImds.builder().httpTokens(HttpTokens.REQUIRED).start();
    }

    /**
     * A call works; IMDS restarts; the next call gets the one 401; the one after works with the
     * agent's next token: {@code tokensBefore + 1} tokens issued in all.
     */
    public TokenRestart rejectedTokenIsDroppedAt(String step, String answer, int tokensBefore)
            throws IOException, InterruptedException {
        assertEquals("200 " + answer, app.step(step));
        assertEquals(tokensBefore, mock.stats().tokensIssued(), mock.stats().summary());
        mock.invalidateTokens();
        String rejected = app.step(step);
        assertTrue(
                rejected.startsWith("401 "),
                "not re-sent: the one 401 reaches the application: " + rejected);
        assertEquals("200 " + answer, app.step(step), "a fresh token, at once");
        assertEquals(
                tokensBefore + 1,
                mock.stats().tokensIssued(),
                "exactly one refresh: " + mock.stats().summary());
        return this;
    }

    /** Ends the app: it exits cleanly, and no token value it was given shows in its output. */
    public void quit() throws IOException, InterruptedException {
        app.sendLine("quit");
        JvmResult jvm = app.finish();
        assertEquals(0, jvm.exitCode(), jvm.describe());
        for (String token : mock.issuedTokens()) {
            assertFalse(
                    jvm.stdout().contains(token) || jvm.stderr().contains(token),
                    "a token value leaked");
        }
    }
}
