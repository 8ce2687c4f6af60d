package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who gets answered: v1 versus v2, token validity, and the proxy rule. */
class AccessRulesTest {

    private static final String INSTANCE_ID = "/latest/meta-data/instance-id";

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

    @Test
    void v1IsServedWhenTokensOptional() throws Exception {
        HttpResponse<String> r = client.get(INSTANCE_ID);

        assertEquals(200, r.statusCode());
        assertEquals("i-0123456789abcdef0", r.body());
    }

    @Test
    void v1Is401WhenTokensRequired() throws Exception {
        imds.setHttpTokens(HttpTokens.REQUIRED);

        assertEquals(401, client.get(INSTANCE_ID).statusCode());
    }

    @Test
    void builderRequiredModeRejectsV1FromTheStart() throws Exception {
        try (MockImds required = MockImds.builder().httpTokens(HttpTokens.REQUIRED).start()) {
            ImdsTestClient c = new ImdsTestClient(required);
            assertEquals(401, c.get(INSTANCE_ID).statusCode());
            assertEquals(200, c.getWithToken(INSTANCE_ID, c.token()).statusCode());
        }
    }

    @Test
    void v2IsServedInBothModes() throws Exception {
        String token = client.token();
        assertEquals(200, client.getWithToken(INSTANCE_ID, token).statusCode());

        imds.setHttpTokens(HttpTokens.REQUIRED);
        assertEquals(200, client.getWithToken(INSTANCE_ID, token).statusCode());
    }

    @Test
    void unknownTokenIs401EvenWhenTokensOptional() throws Exception {
        assertEquals(401, client.getWithToken(INSTANCE_ID, "not-a-token").statusCode());
    }

    @Test
    void expiredTokenIs401() throws Exception {
        String token = client.token(1);
        assertEquals(200, client.getWithToken(INSTANCE_ID, token).statusCode());

        Thread.sleep(1_200);

        assertEquals(401, client.getWithToken(INSTANCE_ID, token).statusCode());
    }

    @Test
    void invalidateTokensMakesIssuedTokensUnknown() throws Exception {
        String token = client.token();
        imds.invalidateTokens();

        assertEquals(401, client.getWithToken(INSTANCE_ID, token).statusCode());
        assertTrue(imds.issuedTokens().contains(token), "still listed for leak scans");
        assertEquals(200, client.getWithToken(INSTANCE_ID, client.token()).statusCode());
    }

    @Test
    void validTokenWithForwardedForIs403() throws Exception {
        HttpResponse<String> r =
                client.get(
                        INSTANCE_ID,
                        ImdsTestClient.TOKEN,
                        client.token(),
                        ImdsTestClient.XFF,
                        "203.0.113.7");

        assertEquals(403, r.statusCode());
    }

    @Test
    void ttlHeaderOnGetIsAcceptedAndIgnored() throws Exception {
        HttpResponse<String> r =
                client.get(
                        INSTANCE_ID,
                        ImdsTestClient.TOKEN,
                        client.token(),
                        ImdsTestClient.TTL,
                        "21600");

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue(ImdsTestClient.TTL).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void methodsOtherThanGetAndHeadOnMetadataAre405(String method) throws Exception {
        assertEquals(405, client.send(method, INSTANCE_ID).statusCode());
    }

    @Test
    void headHasGetStatusAndHeadersButNoBody() throws Exception {
        HttpResponse<String> get = client.get(INSTANCE_ID);
        HttpResponse<String> head = client.send("HEAD", INSTANCE_ID);

        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(
                Integer.toString(get.body().length()),
                head.headers().firstValue("Content-Length").orElse(null));
        assertEquals("EC2ws", head.headers().firstValue("Server").orElse(null));
        assertEquals(
                401, client.send("HEAD", INSTANCE_ID, ImdsTestClient.TOKEN, "bogus").statusCode());
    }
}
