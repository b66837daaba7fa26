package dev.eventwire.metrics;

import dev.eventwire.support.Sha256;

/**
 * What a distinct count keeps of a value: the value itself up to {@value #LONGEST_KEPT_WHOLE} characters,
 * otherwise {@code sha256:} and the hex digest of its UTF-8 bytes. Distinct counts keep every value seen in
 * their window in memory (and in the store); kept whole, one tenant posting 250,000-character session ids
 * took about two bytes of every tenant's heap per byte posted, and a restart read them all back. A digest
 * is 71 characters, longer than any value kept whole, so a digest never equals a short value; two long
 * values count as one only if their SHA-256 digests collide.
 */
final class DistinctKeys {
    static final int LONGEST_KEPT_WHOLE = 64;
    private static final String DIGEST_PREFIX = "sha256:";

    private DistinctKeys() {
    }

    static String of(String value) {
        return value.length() <= LONGEST_KEPT_WHOLE ? value : DIGEST_PREFIX + Sha256.hex(value);
    }
}
