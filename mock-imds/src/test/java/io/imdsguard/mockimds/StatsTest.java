package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.mockimds.ReceivedRequest.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsTest {

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
    void countsEachKindAndOutcome() throws Exception {
        client.get(INSTANCE_ID); // v1 served
        client.get("/latest/meta-data/nope"); // v1 served (404)
        String token = client.token(); // token issued
        client.putToken("0"); // token rejected (400)
        client.get("/latest/api/token"); // token rejected (405)
        client.getWithToken(INSTANCE_ID, token); // v2 served
        client.getWithToken(INSTANCE_ID, "bogus"); // v2 rejected (401)
        imds.setHttpTokens(HttpTokens.REQUIRED);
        client.get(INSTANCE_ID); // v1 rejected (401)
        imds.setEndpointEnabled(false);
        client.get(INSTANCE_ID); // v1 rejected (403)

        assertEquals(new ImdsStats(2, 2, 1, 1, 1, 2, 9), imds.stats());
    }

    @Test
    void requestsAreLoggedInArrivalOrder() throws Exception {
        String token = client.token();
        client.getWithToken(INSTANCE_ID, token);
        client.get("/latest/meta-data/", ImdsTestClient.XFF, "203.0.113.7");

        assertEquals(
                List.of(
                        new ReceivedRequest("PUT", "/latest/api/token", Kind.TOKEN, 200, false),
                        new ReceivedRequest("GET", INSTANCE_ID, Kind.V2, 200, false),
                        new ReceivedRequest("GET", "/latest/meta-data/", Kind.V1, 200, true)),
                imds.requests());
    }

    @Test
    void resetClearsCountersAndLog() throws Exception {
        client.get(INSTANCE_ID);
        imds.resetStats();

        assertEquals(new ImdsStats(0, 0, 0, 0, 0, 0, 0), imds.stats());
        assertTrue(imds.requests().isEmpty());

        client.get(INSTANCE_ID);
        assertEquals(1, imds.stats().total());
    }

    @Test
    void concurrentV2ReadsAreAllServedAndCounted() throws Exception {
        String token = client.token();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(
                        pool.submit(
                                () -> {
                                    List<Integer> statuses = new ArrayList<>();
                                    for (int i = 0; i < 50; i++) {
                                        statuses.add(
                                                client.getWithToken(INSTANCE_ID, token)
                                                        .statusCode());
                                    }
                                    return statuses;
                                }));
            }
            for (Future<List<Integer>> f : results) {
                assertTrue(f.get().stream().allMatch(s -> s == 200), f.get().toString());
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(new ImdsStats(0, 0, 400, 0, 1, 0, 401), imds.stats());
        assertEquals(401, imds.requests().size());
    }
}
