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

    /**
     * The text a distinct count compares: a string as it is, a number by its value in plain digits with no
     * trailing zeros — 5, 5.0, 5e0 and "5" are one value, as an id a producer sends sometimes as a number and
     * sometimes as a string is one id; read as written, 5 and 5.0 counted twice and 1000 and 1e3 too.
     * Whole numbers keep the text they had (1000, not 1E+3); numbers in data have at most 1000 digits
     * either side of the point, so the plain form is bounded.
     */
    static String textOf(com.fasterxml.jackson.databind.JsonNode value) {
        if (!value.isNumber()) return value.asText();
        java.math.BigDecimal d = value.decimalValue().stripTrailingZeros();
        return (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
    }

    static String of(String value) {
        return value.length() <= LONGEST_KEPT_WHOLE ? value : DIGEST_PREFIX + Sha256.hex(value);
    }
}
