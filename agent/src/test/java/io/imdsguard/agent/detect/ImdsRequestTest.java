package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ImdsRequestTest {

    @Test
    void anOriginIsMadeOnceForTheSameEndpoint() {
        String first = ImdsRequest.origin("http", "127.0.0.1", 1338);
        assertEquals("http://127.0.0.1:1338", first);
        // The token cache is keyed by this text: the same instance keeps its hash.
        assertSame(first, ImdsRequest.origin("http", "127.0.0.1", 1338));
    }

    @Test
    void anOriginFollowsEveryPartOfTheTarget() {
        assertEquals("http://127.0.0.1:1338", ImdsRequest.origin("http", "127.0.0.1", 1338));
        assertEquals("http://127.0.0.1:1339", ImdsRequest.origin("http", "127.0.0.1", 1339));
        assertEquals("http://localhost:1339", ImdsRequest.origin("http", "LocalHost", 1339));
        assertEquals("https://localhost:1339", ImdsRequest.origin("HTTPS", "LocalHost", 1339));
        assertEquals("http://[::1]:1339", ImdsRequest.origin("http", "::1", 1339));
        assertEquals("http://[::1]:1339", ImdsRequest.origin("http", "[::1]", 1339));
        assertEquals("http://127.0.0.1:1338", ImdsRequest.origin("http", "127.0.0.1", 1338));
    }
}
