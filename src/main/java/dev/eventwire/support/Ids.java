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

    /** Siblings one {@link #sibling} id stands for: its last five characters number them. */
    public static final int MAX_SIBLINGS = 1 << 25;

    /**
     * The {@code n}-th sibling of a {@link #timeOrdered} id: the same id with its last five characters (25
     * of its 80 random bits) replaced by {@code n}, so a family of ids is stored as its first member and
     * each member is told apart from the others by construction, from ids of other families by the 55
     * random bits they keep.
     */
    public static String sibling(String id, int n) {
        if (n < 0 || n >= MAX_SIBLINGS) throw new IllegalArgumentException("sibling " + n + " out of range");
        char[] out = id.toCharArray();
        int v = n;
        for (int i = out.length - 1; i >= out.length - 5; i--) {
            out[i] = CROCKFORD[v & 31];
            v >>>= 5;
        }
        return new String(out);
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
