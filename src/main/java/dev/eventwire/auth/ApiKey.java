package dev.eventwire.auth;

import java.time.Instant;

/** A tenant API key as stored: only the hash of the secret is kept. */
public record ApiKey(String id, String tenant, String name, String keyHash, Instant createdAt) {
}
