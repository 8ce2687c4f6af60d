package io.imdsguard.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnforcePolicyTest {

    /** What an IMDS token can consist of: URL-safe base64, padding at most at the end. */
    private static final Pattern POSSIBLE_TOKEN = Pattern.compile("[A-Za-z0-9_-]+={0,2}");

    private static CallerFrames calledFrom(String className) {
        return CallerFrames.of(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "sun.net.www.protocol.http.HttpURLConnection",
                            "connect",
                            "HttpURLConnection.java",
                            1),
                    new StackTraceElement(className, "call", "X.java", 7),
                });
    }

    private static Decision decide(boolean forwardedFor, String caller) {
        return new EnforcePolicy()
                .decideV1(
                        new ImdsRequest(
                                "HttpURLConnection",
                                "GET",
                                "/latest/meta-data/iam/security-credentials/",
                                false,
                                forwardedFor,
                                "http://127.0.0.1:1338"),
                        calledFrom(caller));
    }

    @Test
    void everyV1CallIsBlockedWithAHeaderNoImdsCouldAccept() {
        Decision decision = decide(false, "com.acme.Client");
        assertEquals(ImdsVersion.V1, decision.version());
        assertEquals(Action.BLOCKED, decision.action());
        assertEquals("http_tokens_required", decision.reason());
        String header = decision.tokenHeader();
        assertNotNull(header, "without a header IMDS would answer the v1 call");
        assertFalse(header.isEmpty());
        assertFalse(
                POSSIBLE_TOKEN.matcher(header).matches(), "'" + header + "' could be a real token");
    }

    @Test
    void theHeaderIsALegalHttpHeaderValue() {
        // Otherwise the client would fail on the header itself, not with the 401 of
        // HttpTokens=required.
        String header = decide(false, "com.acme.Client").tokenHeader();
        for (char c : header.toCharArray()) {
            assertTrue(c > 0x20 && c < 0x7f, "character " + (int) c + " in '" + header + "'");
        }
    }

    @Test
    void itDoesNotDependOnTheCallerOrForwarding() {
        Decision reference = decide(false, "com.acme.Client");
        for (Decision other :
                new Decision[] {
                    decide(true, "com.acme.Client"),
                    decide(false, "org.other.Thing"),
                    decide(false, "com.amazonaws.internal.EC2ResourceFetcher")
                }) {
            assertEquals(Action.BLOCKED, other.action());
            assertEquals(reference.reason(), other.reason());
            assertEquals(reference.tokenHeader(), other.tokenHeader());
        }
        assertEquals("v1/blocked/http_tokens_required", reference.toString());
    }
}
