package dev.eventwire.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.delivery.EgressGuard;
import dev.eventwire.delivery.Signer;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Ids;
import dev.eventwire.support.JsonFields;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Registers, changes and removes webhooks; keeps the in-memory registry in step with the store. */
public final class WebhookService {
    private static final Set<String> CREATE_FIELDS = Set.of("url", "description", "filters", "rate_limit", "ordering");
    private static final Set<String> PATCH_FIELDS = Set.of("url", "description", "filters", "active", "rate_limit", "ordering");
    /** The highest rate limit one can set, deliveries per second (higher is no limit in practice). */
    static final double MAX_RATE_LIMIT = 10_000;
    /** One delivery per 1,000 s: slower than that is a paused webhook, not a rate. */
    static final double MIN_RATE_LIMIT = 0.001;

    private final WebhookStore store;
    private final WebhookRegistry registry;
    private final FiltersCodec filtersCodec;
    private final EgressGuard guard;
    private final Ids ids;
    private final Clock clock;

    private final int maxPerTenant;

    public WebhookService(WebhookStore store, WebhookRegistry registry, FiltersCodec filtersCodec, EgressGuard guard, Ids ids, Clock clock,
                          int maxPerTenant) {
        this.store = store;
        this.maxPerTenant = maxPerTenant;
        this.registry = registry;
        this.filtersCodec = filtersCodec;
        this.guard = guard;
        this.ids = ids;
        this.clock = clock;
    }

    public Webhook create(String tenant, JsonNode body) {
        JsonFields.requireObject(body, CREATE_FIELDS);
        String url = JsonFields.text(body, "url");
        checkUrl(url);
        Optional<String> description = description(body);
        WebhookFilters filters = filtersCodec.read(body.get("filters"));
        Instant now = now();
        Optional<Double> rateLimit = rateLimit(body);
        Webhook webhook = new Webhook(ids.timeOrdered("wh_"), tenant, url, description, filters, newSecret(), Optional.empty(), true,
                Optional.empty(), now, now, rateLimit, body.hasNonNull("ordering") ? ordering(body) : Ordering.NONE);
        if (!store.insert(webhook, maxPerTenant, () -> registry.put(webhook))) {
            throw new ApiException(409, "limit_reached", "This tenant already has " + maxPerTenant + " webhooks, the most it may have; delete one first.", null);
        }
        return webhook;
    }

    public Webhook update(String tenant, String id, JsonNode body) {
        JsonFields.requireObject(body, PATCH_FIELDS);
        return change(tenant, id, current -> patched(current, body));
    }

    /** A webhook's new state and whether the change stops it (its pending deliveries are parked). */
    private record Change(Webhook webhook, boolean stops) {
    }

    /** How many times a change is read and applied again after others came first before it gives up (409). */
    static final int MAX_CHANGE_TRIES = 8;

    /**
     * Changes of one webhook made through this process take turns: without, a few clients editing one
     * webhook at once lost the read-and-save race to each other eight times in a row often enough that 24 of
     * them got 66 409s in 120 changes (seen from outside). Stripes, not a lock per webhook, so nothing grows.
     */
    private final java.util.concurrent.locks.ReentrantLock[] changeTurns = java.util.stream.Stream
            .generate(java.util.concurrent.locks.ReentrantLock::new).limit(64).toArray(java.util.concurrent.locks.ReentrantLock[]::new);

    /**
     * Reads the webhook, works out its new state and saves it if nobody changed it meanwhile; otherwise
     * reads it again. Two requests changing one webhook at once both apply, one after the other: neither
     * answers 200 with a change the other then overwrites, and none brings back a webhook deleted meanwhile.
     * Within a process changes take turns; against other replicas, a lost race waits a few random
     * milliseconds (more after each) before it reads again, so racing replicas do not keep colliding.
     */
    private Webhook change(String tenant, String id, java.util.function.Function<Webhook, Change> how) {
        java.util.concurrent.locks.ReentrantLock turn = changeTurns[Math.floorMod((tenant + '/' + id).hashCode(), changeTurns.length)];
        turn.lock();
        try {
            for (int tried = 1; ; tried++) {
                Webhook current = get(tenant, id);
                Change change = how.apply(current);
                Webhook next = change.webhook();
                if (next == current) return current;
                if (store.update(next, current.updatedAt(), change.stops(), () -> registry.put(next))) return next;
                if (tried == MAX_CHANGE_TRIES) {
                    throw new ApiException(409, "conflict", "The webhook kept changing under other requests; retry.", null);
                }
                pauseAfterLostRace(tried);
            }
        } finally {
            turn.unlock();
        }
    }

    private static void pauseAfterLostRace(int tried) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L << tried));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "The server is stopping; retry.", null);
        }
    }

    /** A time for a change of {@code current}: now, and always after its last change, so that each change is told from the one before. */
    private Instant stamp(Webhook current) {
        Instant now = now();
        return now.isAfter(current.updatedAt()) ? now : current.updatedAt().plus(1, ChronoUnit.MICROS);
    }

    private Change patched(Webhook current, JsonNode body) {
        if (body.has("url") && body.get("url").isNull()) {
            // Present but null: "url is required" would read as if it had been left out, which a PATCH may do.
            throw ApiException.invalid("invalid_type", "url cannot be null; leave it out to keep the current one.", "url");
        }
        String url = body.has("url") ? JsonFields.text(body, "url") : current.url();
        if (body.has("url")) checkUrl(url);
        Optional<String> description = body.has("description") ? description(body) : current.description();
        if (body.has("filters") && body.get("filters").isNull()) {
            // Clearing the filters makes the webhook take every event of the tenant: that is asked for with {}, never by a null.
            throw ApiException.invalid("invalid_type", "filters must be an object; {} matches every event.", "filters");
        }
        WebhookFilters filters = body.has("filters") ? filtersCodec.read(body.get("filters")) : current.filters();
        boolean active = current.active();
        if (body.has("active")) {
            if (!body.get("active").isBoolean()) throw ApiException.invalid("invalid_type", "active must be true or false.", "active");
            active = body.get("active").booleanValue();
        }
        Optional<String> reason = active ? Optional.empty() : current.active() ? Optional.of("deactivated by a client") : current.disabledReason();
        Optional<Double> rateLimit = body.has("rate_limit") ? rateLimit(body) : current.rateLimit();
        Ordering ordering = body.has("ordering") ? ordering(body) : current.ordering();
        Webhook updated = current.withUpdate(url, description, filters, active, reason, current.updatedAt()).withRateLimit(rateLimit).withOrdering(ordering);
        // A PATCH that changes nothing saves nothing: updated_at says when the webhook last changed.
        if (updated.equals(current)) return new Change(current, false);
        return new Change(updated.withUpdatedAt(stamp(current)), current.active() && !active);
    }

    /** {@code ordering}: "none" or "entity". */
    private static Ordering ordering(JsonNode body) {
        JsonNode v = body.get("ordering");
        return (v != null && v.isTextual() ? Ordering.fromWire(v.asText()) : Optional.<Ordering>empty())
                .orElseThrow(() -> ApiException.invalid("invalid_ordering", "ordering must be \"none\" or \"entity\".", "ordering"));
    }

    /** {@code rate_limit}: deliveries per second, a number above 0 and at most 10,000, or null for none. */
    private static Optional<Double> rateLimit(JsonNode body) {
        JsonNode v = body.get("rate_limit");
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isNumber() || !inRateRange(v)) {
            throw ApiException.invalid("invalid_rate_limit", "rate_limit must be a number of deliveries per second from 0.001 to 10000, or null.",
                    "rate_limit");
        }
        return Optional.of(v.doubleValue());
    }

    /**
     * The double's range check first (it also refuses exponents no decimal compares cheaply), then, for a
     * decimal, the value as written: 0.00099999999999999999 rounds onto the range's edge as a double.
     */
    private static boolean inRateRange(JsonNode v) {
        double rate = v.doubleValue();
        if (!(rate >= MIN_RATE_LIMIT) || rate > MAX_RATE_LIMIT) return false;
        return !v.isBigDecimal() || v.decimalValue().compareTo(BigDecimal.valueOf(MIN_RATE_LIMIT)) >= 0
                && v.decimalValue().compareTo(BigDecimal.valueOf(MAX_RATE_LIMIT)) <= 0;
    }

    /** The longest overlap a rotation may ask for. */
    static final java.time.Duration MAX_PREVIOUS_VALID_FOR = java.time.Duration.ofDays(30);
    private static final Set<String> ROTATE_FIELDS = Set.of("previous_valid_for");

    /**
     * Gives the webhook a new secret. The previous one keeps signing (beside the new one) for
     * {@code previous_valid_for} (default 24h, at most 30d; 0s ends it at once), so receivers can switch
     * without a window in which deliveries fail verification.
     */
    public Webhook rotateSecret(String tenant, String id, JsonNode body) {
        java.time.Duration overlap = java.time.Duration.ofHours(24);
        if (body != null && !(body.isObject() && body.isEmpty())) {
            JsonFields.requireObject(body, ROTATE_FIELDS);
            if (body.hasNonNull("previous_valid_for")) {
                JsonNode v = body.get("previous_valid_for");
                Optional<java.time.Duration> parsed = v.isTextual() ? dev.eventwire.support.Durations.parse(v.asText()) : Optional.empty();
                if (parsed.isEmpty() || parsed.get().isNegative() || parsed.get().compareTo(MAX_PREVIOUS_VALID_FOR) > 0) {
                    throw ApiException.invalid("invalid_duration", "previous_valid_for must be a duration such as 24h, 90m or 0s, at most 30d.",
                            "previous_valid_for");
                }
                overlap = parsed.get();
            }
        }
        java.time.Duration previousValidFor = overlap;
        return change(tenant, id, current -> {
            Instant at = stamp(current);
            return new Change(current.withRotatedSecret(newSecret(), at.plus(previousValidFor), at), false);
        });
    }

    private String newSecret() {
        return Signer.SECRET_PREFIX + Base64.getEncoder().encodeToString(ids.randomBytes(32));
    }

    public void delete(String tenant, String id) {
        Webhook current = get(tenant, id);
        Webhook removed = current.withUpdate(current.url(), current.description(), current.filters(), false, Optional.of("deleted"), stamp(current));
        // Removed meanwhile by another request: this one did not remove it.
        if (!store.delete(removed, () -> registry.remove(removed))) throw ApiException.notFound("Webhook");
    }

    /** A webhook of this tenant; another tenant's id is 404, like one that does not exist. */
    public Webhook get(String tenant, String id) {
        return store.find(tenant, id).orElseThrow(() -> ApiException.notFound("Webhook"));
    }

    /** One page of the tenant's webhooks, newest first; the cursor is the last id of the previous page. */
    public dev.eventwire.support.Page<Webhook> list(String tenant, int limit, Optional<String> afterId) {
        List<Webhook> rows = store.list(tenant, limit + 1, afterId);
        if (rows.size() <= limit) return new dev.eventwire.support.Page<>(rows, Optional.empty());
        List<Webhook> page = rows.subList(0, limit);
        return new dev.eventwire.support.Page<>(page, Optional.of(page.getLast().id()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private void checkUrl(String url) {
        String host = UrlRule.check(url);
        if (guard.check(host) instanceof EgressGuard.Verdict.Denied denied) {
            throw ApiException.invalid("egress_denied", "url is not allowed: " + denied.reason() + ".", "url");
        }
    }

    private static Optional<String> description(JsonNode body) {
        String d = JsonFields.text(body, "description");
        if (d != null && dev.eventwire.support.TextRules.characters(d) > 1024) throw ApiException.invalid("invalid_length", "description must be at most 1024 characters.", "description");
        // Stored text must be valid Unicode (a lone surrogate could only be stored altered); line breaks and tabs are fine here.
        if (d != null && !dev.eventwire.support.TextRules.isValidUnicode(d)) {
            throw ApiException.invalid("invalid_unicode", "description must be valid Unicode (no lone surrogate).", "description");
        }
        if (d != null && !dev.eventwire.support.TextRules.hasOnlyLineControls(d)) {
            throw ApiException.invalid("invalid_format", "description may not contain control characters other than line breaks and tabs.", "description");
        }
        return Optional.ofNullable(d);
    }
}
