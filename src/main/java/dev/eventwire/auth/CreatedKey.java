package dev.eventwire.auth;

/** A key just created: the only time its secret is available. */
public record CreatedKey(ApiKey key, String secret) {
}
