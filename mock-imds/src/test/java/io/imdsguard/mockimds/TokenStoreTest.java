package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Expiry with a hand-driven clock, so the edges are exact and the test does not sleep. */
class TokenStoreTest {

    private static final long SECOND = 1_000_000_000L;

    // Start near the wrap point: expiry must be judged by difference, not by comparing values.
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 5 * SECOND);
    private final TokenStore store = new TokenStore(now::get);

    @Test
    void tokenIsValidUntilItsTtlHasPassed() {
        String token = store.issue(10);

        now.addAndGet(10 * SECOND - 1);
        assertTrue(store.isValid(token));
        now.addAndGet(1);
        assertFalse(store.isValid(token));
    }

    @Test
    void unknownTokenIsInvalid() {
        assertFalse(store.isValid("nope"));
    }

    @Test
    void invalidateAllForgetsLiveTokensButKeepsThemListed() {
        String token = store.issue(60);
        store.invalidateAll();

        assertFalse(store.isValid(token));
        assertEquals(java.util.Set.of(token), store.everIssued());
    }

    @Test
    void ttlBounds() {
        assertThrows(IllegalArgumentException.class, () -> store.issue(0));
        assertThrows(IllegalArgumentException.class, () -> store.issue(21_601));
        assertTrue(store.issue(21_600).matches("[A-Za-z0-9_-]{56}"));
    }
}
