package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultInjectionTest {

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
    void disabledEndpointAnswers403ToEverything() throws Exception {
        String token = client.token();
        imds.setEndpointEnabled(false);

        assertEquals(403, client.putToken("60").statusCode());
        assertEquals(403, client.get(INSTANCE_ID).statusCode());
        assertEquals(403, client.getWithToken(INSTANCE_ID, token).statusCode());

        imds.setEndpointEnabled(true);
        assertEquals(200, client.getWithToken(INSTANCE_ID, token).statusCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503})
    void forcedStatusAppliesToTokenAndMetadataWithEmptyBody(int status) throws Exception {
        String token = client.token();
        imds.setForcedStatus(status);

        for (HttpResponse<String> r : new ImdsTestClientResponses(client, token).all()) {
            assertEquals(status, r.statusCode(), r.uri().toString());
            assertEquals("", r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertEquals("EC2ws", r.headers().firstValue("Server").orElse(null));
        }

        imds.setForcedStatus(0);
        assertEquals(200, client.get(INSTANCE_ID).statusCode());
    }

    @Test
    void throttlingAnswersCarryRetryAfterWhenAsked() throws Exception {
        imds.setRetryAfterSeconds(2);
        imds.setForcedStatus(429);
        assertEquals("2", client.get(INSTANCE_ID).headers().firstValue("Retry-After").orElse(null));
        imds.setForcedStatus(500);
        assertTrue(
                client.get(INSTANCE_ID).headers().firstValue("Retry-After").isEmpty(),
                "only on 429 and 503");
    }

    @Test
    void truncatedBodiesEndBeforeTheirContentLength() throws Exception {
        imds.setTruncatedBodies(true);
        assertThrows(IOException.class, () -> client.get(INSTANCE_ID));
        assertEquals(
                1, imds.stats().v1Served(), "received and answered, if badly: " + imds.stats());

        imds.setTruncatedBodies(false);
        assertEquals(200, client.get(INSTANCE_ID).statusCode());
    }

    @Test
    void malformedTokensAnswerAnErrorPageThatIsNoToken() throws Exception {
        imds.setMalformedTokens(true);
        HttpResponse<String> answer = client.putToken("60");
        assertEquals(200, answer.statusCode());
        assertEquals(MockImds.MALFORMED_TOKEN_BODY, answer.body());
        assertEquals(401, client.getWithToken(INSTANCE_ID, answer.body().trim()).statusCode());
        assertTrue(imds.issuedTokens().isEmpty());

        imds.setMalformedTokens(false);
        assertEquals(200, client.getWithToken(INSTANCE_ID, client.token()).statusCode());
    }

    @Test
    void forcedStatusRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> imds.setForcedStatus(42));
        assertThrows(IllegalArgumentException.class, () -> imds.setResponseDelayMillis(-1));
        assertThrows(IllegalArgumentException.class, () -> imds.setRetryAfterSeconds(-1));
    }

    @Test
    void responseDelayHoldsEveryAnswer() throws Exception {
        imds.setResponseDelayMillis(250);
        long start = System.nanoTime();

        assertEquals(200, client.get(INSTANCE_ID).statusCode());

        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Test
    void blackHoledTokenPutTimesOutAndCloseReleasesHeldRequests() throws Exception {
        imds.setBlackHoleTokenRequests(true);

        var timed =
                client.request(
                        "PUT",
                        "/latest/api/token",
                        Duration.ofMillis(300),
                        ImdsTestClient.TTL,
                        "60");
        assertThrows(
                HttpTimeoutException.class,
                () -> client.http.send(timed, HttpResponse.BodyHandlers.ofString()));
        // Metadata reads are not affected: only the token PUT's answer is lost.
        assertEquals(200, client.get(INSTANCE_ID).statusCode());

        CompletableFuture<HttpResponse<String>> pending = sendPutWithoutTimeout();
        awaitTrue(() -> imds.requests().size() == 3);
        assertEquals(0, imds.requests().get(2).status(), "held requests are logged as unanswered");

        long closeStart = System.nanoTime();
        imds.close();
        assertTrue(
                System.nanoTime() - closeStart < TimeUnit.SECONDS.toNanos(2),
                "close must not wait on held requests");
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> pending.get(3, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void turningBlackHoleOffDropsHeldRequestsAndAnswersNewOnes() throws Exception {
        imds.setBlackHoleTokenRequests(true);
        CompletableFuture<HttpResponse<String>> pending = sendPutWithoutTimeout();
        awaitTrue(() -> imds.requests().size() == 1);

        imds.setBlackHoleTokenRequests(false);

        assertThrows(ExecutionException.class, () -> pending.get(3, TimeUnit.SECONDS));
        assertEquals(200, client.putToken("60").statusCode());
        ImdsStats stats = imds.stats();
        assertEquals(1, stats.tokensIssued());
        assertEquals(1, stats.tokenRequestsRejected());
    }

    private CompletableFuture<HttpResponse<String>> sendPutWithoutTimeout() {
        // A long timeout stands in for "none", so a broken release fails the test instead of
        // hanging it.
        var request =
                client.request(
                        "PUT",
                        "/latest/api/token",
                        Duration.ofSeconds(30),
                        ImdsTestClient.TTL,
                        "60");
        return client.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 3 s");
            Thread.sleep(10);
        }
    }

    /** One request of each kind, to check that a fault applies across the board. */
    private record ImdsTestClientResponses(ImdsTestClient client, String token) {
        java.util.List<HttpResponse<String>> all() throws Exception {
            return java.util.List.of(
                    client.putToken("60"),
                    client.get(INSTANCE_ID),
                    client.getWithToken(INSTANCE_ID, token),
                    client.get("/latest/api/token"));
        }
    }
}
