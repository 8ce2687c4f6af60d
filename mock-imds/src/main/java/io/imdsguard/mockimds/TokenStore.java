package io.imdsguard.mockimds;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Issues session tokens and judges them; expiry uses a monotonic clock so wall-clock jumps cannot
 * revive or kill tokens.
 */
final class TokenStore {

    static final int MIN_TTL_SECONDS = 1;
    static final int MAX_TTL_SECONDS = 21_600;

    /**
     * 42 random bytes encode to exactly 56 URL-safe base64 characters without padding, the length
     * seen from real IMDS.
     */
    private static final int TOKEN_BYTES = 42;

    /**
     * Above this many live entries, issuing also sweeps expired ones, so token churn (a PUT per
     * read) cannot grow the map forever.
     */
    private static final int SWEEP_THRESHOLD = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    private final LongSupplier nanoClock;
    private final Map<String, Long> expiryNanos = new ConcurrentHashMap<>();
    // Kept apart from expiryNanos because invalidation must not hide a token from leak scans.
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();

    TokenStore() {
        this(System::nanoTime);
    }

    TokenStore(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    static boolean isValidTtl(long ttlSeconds) {
        return ttlSeconds >= MIN_TTL_SECONDS && ttlSeconds <= MAX_TTL_SECONDS;
    }

    String issue(int ttlSeconds) {
        if (!isValidTtl(ttlSeconds)) {
            throw new IllegalArgumentException("TTL out of range: " + ttlSeconds);
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = encoder.encodeToString(bytes);
        long now = nanoClock.getAsLong();
        if (expiryNanos.size() > SWEEP_THRESHOLD) {
            expiryNanos.values().removeIf(expiry -> now - expiry >= 0);
        }
        expiryNanos.put(token, now + ttlSeconds * 1_000_000_000L);
        everIssued.add(token);
        return token;
    }

    boolean isValid(String token) {
        Long expiry = expiryNanos.get(token);
        if (expiry == null) {
            return false;
        }
        // Compare by difference: nanoTime values may be negative or wrap.
        if (nanoClock.getAsLong() - expiry >= 0) {
            expiryNanos.remove(token, expiry);
            return false;
        }
        return true;
    }

    /** Forgets every live token, as an IMDS restart does. */
    void invalidateAll() {
        expiryNanos.clear();
    }

    Set<String> everIssued() {
        return Set.copyOf(everIssued);
    }
}
