package dev.eventwire.support;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Generates identifiers. Event ids are time-ordered (a ULID-style 48-bit millisecond prefix followed by
 * 80 random bits in Crockford base32) so that generated ids sort roughly by creation time.
 */
public final class Ids {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public Ids(Clock clock) {
        this.clock = clock;
    }

    /** A time-ordered id such as {@code evt_01JDX3K6Z8...}. */
    public String timeOrdered(String prefix) {
        long millis = clock.millis();
        byte[] rnd = new byte[10];
        random.nextBytes(rnd);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (millis & 31)];
            millis >>>= 5;
        }
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (rnd[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (rnd[i] & 0xff);
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + new String(out);
    }

    /**
     * The millisecond a {@link #timeOrdered} id was made, read back from its prefix; empty for an id of
     * another shape. Delivery message ids are made in the transaction that accepts their event, so this
     * is when the event was accepted, without the store having to carry that time to the engine.
     */
    public static java.util.Optional<java.time.Instant> createdAt(String id) {
        int start = id.indexOf('_') + 1;
        if (id.length() - start != 26) return java.util.Optional.empty();
        long millis = 0;
        for (int i = start; i < start + 10; i++) {
            int digit = java.util.Arrays.binarySearch(CROCKFORD, id.charAt(i));
            if (digit < 0) return java.util.Optional.empty();
            millis = (millis << 5) | digit;
        }
        return java.util.Optional.of(java.time.Instant.ofEpochMilli(millis));
    }

    /** {@code n} random bytes, url-safe base64 without padding. */
    public String randomToken(int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(n));
    }

    public byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
