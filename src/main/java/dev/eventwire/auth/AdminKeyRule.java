package dev.eventwire.auth;

/**
 * What an admin key the operator chooses must be: at least 24 characters. The admin key creates and
 * revokes every tenant's keys and is sent over the network, so an empty file (which no request could
 * match, leaving the admin routes dead without a word) or a word such as {@code change-me} would be
 * taken for a working setup. 24 characters is what a generated random value of 18 bytes or more has in
 * base64; the keys Eventwire generates itself are longer.
 */
final class AdminKeyRule {
    static final int MIN_LENGTH = 24;

    private AdminKeyRule() {
    }

    /**
     * The key, if long enough; otherwise a refusal in one line: {@code subject} names where the key came from
     * ("EVENTWIRE_ADMIN_KEY must be"), {@code orElse} adds another way out, if there is one.
     */
    static String require(String key, String subject, String orElse) {
        int length = key.codePointCount(0, key.length());
        if (length >= MIN_LENGTH) return key;
        throw new IllegalArgumentException(subject + " at least " + MIN_LENGTH + " characters (got " + length + "); use a long random value,"
                + " such as `openssl rand -base64 32` prints" + orElse);
    }
}
