package dev.eventwire.webhooks;

import java.time.Instant;
import java.util.Optional;

/** A subscriber endpoint of one tenant. {@code secret} is {@code whsec_} + base64 of 32 random bytes. */
public record Webhook(String id, String tenant, String url, Optional<String> description, WebhookFilters filters,
                      String secret, boolean active, Optional<String> disabledReason, Instant createdAt, Instant updatedAt) {

    public Webhook withUpdate(String newUrl, Optional<String> newDescription, WebhookFilters newFilters, boolean newActive,
                              Optional<String> newDisabledReason, Instant now) {
        return new Webhook(id, tenant, newUrl, newDescription, newFilters, secret, newActive, newDisabledReason, createdAt, now);
    }
}
