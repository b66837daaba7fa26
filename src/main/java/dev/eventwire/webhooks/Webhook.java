package dev.eventwire.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A subscriber endpoint of one tenant. {@code secret} is {@code whsec_} + base64 of 32 random bytes;
 * {@code previousSecret} is the one before the last rotation while it is still signed with; {@code rateLimit}
 * caps the deliveries per second sent to it (all attempts, across replicas); {@code ordering} says whether
 * deliveries of one entity go one at a time, in order.
 */
public record Webhook(String id, String tenant, String url, Optional<String> description, WebhookFilters filters,
                      String secret, Optional<PreviousSecret> previousSecret, boolean active, Optional<String> disabledReason,
                      Instant createdAt, Instant updatedAt, Optional<Double> rateLimit, Ordering ordering) {

    public Webhook withUpdate(String newUrl, Optional<String> newDescription, WebhookFilters newFilters, boolean newActive,
                              Optional<String> newDisabledReason, Instant now) {
        return new Webhook(id, tenant, newUrl, newDescription, newFilters, secret, previousSecret, newActive, newDisabledReason, createdAt, now,
                rateLimit, ordering);
    }

    /** The same webhook, changed at {@code at}. */
    public Webhook withUpdatedAt(Instant at) {
        return new Webhook(id, tenant, url, description, filters, secret, previousSecret, active, disabledReason, createdAt, at, rateLimit, ordering);
    }

    /** The same webhook with another rate limit (deliveries per second; empty = none). */
    public Webhook withRateLimit(Optional<Double> newRateLimit) {
        return new Webhook(id, tenant, url, description, filters, secret, previousSecret, active, disabledReason, createdAt, updatedAt, newRateLimit, ordering);
    }

    /** The same webhook with another ordering. */
    public Webhook withOrdering(Ordering newOrdering) {
        return new Webhook(id, tenant, url, description, filters, secret, previousSecret, active, disabledReason, createdAt, updatedAt, rateLimit, newOrdering);
    }

    /** A new secret; the current one stays valid for signing until {@code previousValidUntil}. */
    public Webhook withRotatedSecret(String newSecret, Instant previousValidUntil, Instant now) {
        Optional<PreviousSecret> previous = previousValidUntil.isAfter(now) ? Optional.of(new PreviousSecret(secret, previousValidUntil)) : Optional.empty();
        return new Webhook(id, tenant, url, description, filters, newSecret, previous, active, disabledReason, createdAt, now, rateLimit, ordering);
    }

    /** The secrets a request sent at {@code at} is signed with: the current one, then the previous one while it is valid. */
    public List<String> signingSecrets(Instant at) {
        return previousSecret.filter(p -> p.validAt(at)).map(p -> List.of(secret, p.secret())).orElse(List.of(secret));
    }

    /** The entity a delivery of {@code event} queues behind, when this webhook orders per entity and the event names one. */
    public Optional<String> entityKeyFor(dev.eventwire.events.NewEvent event) {
        return ordering == Ordering.ENTITY ? event.entityId() : Optional.empty();
    }
}
