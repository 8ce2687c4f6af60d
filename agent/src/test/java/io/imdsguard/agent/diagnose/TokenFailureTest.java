package io.imdsguard.agent.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TokenFailureTest {

    /** Named like java.net.http's, which Java 8 code cannot refer to. */
    static final class HttpTimeoutException extends IOException {
        HttpTimeoutException() {
            super("request timed out");
        }
    }

    @Test
    void namesTheFailureAsAUserWouldTellIt() {
        assertEquals("timeout", TokenFailure.of(-1, new SocketTimeoutException("Read timed out")));
        assertEquals(
                "timeout", TokenFailure.of(0, new CompletionException(new HttpTimeoutException())));
        assertEquals("refused", TokenFailure.of(-1, new ConnectException("Connection refused")));
        assertEquals(
                "status 403",
                TokenFailure.of(403, new IOException("Server returned HTTP response code: 403")));
        assertEquals("status 405", TokenFailure.of(405, null));
        assertEquals(
                "no response",
                TokenFailure.of(
                        -1, new java.net.SocketException("Unexpected end of file from server")));
        assertEquals(
                "error IllegalStateException", TokenFailure.of(-1, new IllegalStateException("x")));
    }

    @Test
    void onlyALostAnswerLooksLikeTheHopLimit() {
        assertTrue(TokenFailure.isNoAnswer("timeout"));
        assertTrue(TokenFailure.isNoAnswer("no response"));
        assertFalse(TokenFailure.isNoAnswer("status 403"));
        assertFalse(TokenFailure.isNoAnswer("refused"));
        assertTrue(TokenFailure.isStatus("status 405"));
    }
}
