package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.apache.ApacheHttpClient4App;
import io.imdsguard.it.apps.clients.apache.ClientMatrix;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.HttpTokens;
import io.imdsguard.mockimds.MockImds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache HttpClient 4.5: the builder's client, the minimal client and the deprecated
 * DefaultHttpClient, in every mode against both IMDS settings (see {@link ClientMatrix}).
 */
class ApacheHttpClient4IT {

    private static final ClientMatrix MATRIX = new ClientMatrix(ApacheHttpClient4App.class,
            method -> "apache-httpclient-4");

    @ParameterizedTest(name = "mode={0}, HttpTokens={1}")
    @CsvSource({"report, OPTIONAL", "report, REQUIRED", "rewrite, OPTIONAL", "rewrite, REQUIRED",
        "enforce, OPTIONAL", "enforce, REQUIRED"})
    void everyV1CallIsSeenOnceFromTheApplicationsFrameAndHandledPerMode(String mode, HttpTokens httpTokens,
                                                                         @TempDir Path dir) throws Exception {
        MATRIX.runAndCheck(reps -> AppJvm.mainClass(ApacheHttpClient4App.class, reps), mode, httpTokens, dir);
    }

    /** IMDS restarted: like HttpURLConnection (README, Limits), the rejected call is not re-sent. */
    @Test
    void aTokenImdsNoLongerAcceptsIsDroppedAndTheNextCallGetsAFreshOne() throws Exception {
        try (MockImds mock = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            AppJvm.Running app = AppJvm.mainClass(ApacheHttpClient4App.class, "--steps")
                    .withAgent("mode=rewrite,rewrite.callers=" + ApacheHttpClient4App.class.getPackageName() + ".")
                    .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint()).start();
            app.awaitStdout("ready");
            assertEquals("200 i-0123456789abcdef0", app.step("v1Execute"));
            assertEquals(1, mock.stats().tokensIssued());

            mock.invalidateTokens();
            String rejected = app.step("v1Execute");
            assertTrue(rejected.startsWith("401 "), "not re-sent: the one 401 reaches the application: " + rejected);
            assertEquals("200 i-0123456789abcdef0", app.step("v1Execute"), "a fresh token, at once");
            assertEquals(2, mock.stats().tokensIssued(), "exactly one refresh: " + mock.stats());

            app.sendLine("quit");
            assertEquals(0, app.finish().exitCode());
        }
    }
}
