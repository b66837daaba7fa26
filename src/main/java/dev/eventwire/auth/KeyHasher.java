package dev.eventwire.auth;

import dev.eventwire.support.Sha256;

/**
 * Hashes API keys for storage. Keys are 256-bit random secrets, so a plain SHA-256 is enough: there is
 * nothing to brute-force that a slow password hash would protect, and lookups stay O(1) by hash.
 */
public final class KeyHasher {
    public String hash(String key) {
        return Sha256.hex(key);
    }
}
