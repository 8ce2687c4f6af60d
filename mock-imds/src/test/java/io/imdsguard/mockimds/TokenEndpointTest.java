package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenEndpointTest {

    private MockImds imds;
    private ImdsTestClient client;

    @BeforeEach
    void start() throws Exception {
        imds = MockImds.builder().start();
        client = new ImdsTestClient(imds);
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "21600"})
    void ttlWithinBoundsIssuesTokenAndEchoesTtl(String ttl) throws Exception {
        HttpResponse<String> r = client.putToken(ttl);

        assertEquals(200, r.statusCode());
        assertEquals(ttl, r.headers().firstValue(ImdsTestClient.TTL).orElse(null));
        assertTrue(
                r.body().matches("[A-Za-z0-9_-]{56}"),
                "56 URL-safe base64 chars, no newline: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(imds.issuedTokens().contains(r.body()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "21601", "abc", "-5", "999999999999"})
    void ttlOutOfRangeOrNotANumberIs400(String ttl) throws Exception {
        assertEquals(400, client.putToken(ttl).statusCode());
        assertTrue(imds.issuedTokens().isEmpty());
    }

    @Test
    void missingTtlIs400() throws Exception {
        assertEquals(400, client.putToken(null).statusCode());
    }

    @Test
    void tokensAreDistinct() throws Exception {
        assertFalse(client.token().equals(client.token()));
        assertEquals(2, imds.issuedTokens().size());
    }

    @Test
    void forwardedForOnTokenPutIs403() throws Exception {
        HttpResponse<String> r =
                client.send(
                        "PUT",
                        "/latest/api/token",
                        ImdsTestClient.TTL,
                        "60",
                        ImdsTestClient.XFF,
                        "203.0.113.7");

        assertEquals(403, r.statusCode());
        assertTrue(imds.issuedTokens().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "DELETE", "HEAD"})
    void otherMethodsOnTokenPathAre405WithAllow(String method) throws Exception {
        HttpResponse<String> r = client.send(method, "/latest/api/token", ImdsTestClient.TTL, "60");

        assertEquals(405, r.statusCode());
        assertEquals("OPTIONS, PUT", r.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void putOnVersionedTokenPathIs403() throws Exception {
        assertEquals(
                403,
                client.send("PUT", "/2021-03-23/api/token", ImdsTestClient.TTL, "60").statusCode());
    }

    @Test
    void everyAnswerCarriesServerAndConnectionHeaders() throws Exception {
        for (HttpResponse<String> r :
                List.of(
                        client.putToken("60"),
                        client.putToken("0"),
                        client.get("/latest/meta-data/instance-id"),
                        client.get("/nope"))) {
            assertEquals("EC2ws", r.headers().firstValue("Server").orElse(null), r.toString());
            assertEquals("close", r.headers().firstValue("Connection").orElse(null), r.toString());
        }
    }
}
