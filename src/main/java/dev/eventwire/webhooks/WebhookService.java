package dev.eventwire.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.delivery.EgressGuard;
import dev.eventwire.delivery.Signer;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Ids;
import dev.eventwire.support.JsonFields;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Registers, changes and removes webhooks; keeps the in-memory registry in step with the store. */
public final class WebhookService {
    private static final Set<String> CREATE_FIELDS = Set.of("url", "description", "filters");
    private static final Set<String> PATCH_FIELDS = Set.of("url", "description", "filters", "active");

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
        String secret = Signer.SECRET_PREFIX + Base64.getEncoder().encodeToString(ids.randomBytes(32));
        Webhook webhook = new Webhook(ids.timeOrdered("wh_"), tenant, url, description, filters, secret, true, Optional.empty(), now, now);
        if (!store.insert(webhook, maxPerTenant, () -> registry.put(webhook))) {
            throw new ApiException(409, "limit_reached", "This tenant already has " + maxPerTenant + " webhooks, the most it may have; delete one first.", null);
        }
        return webhook;
    }

    public Webhook update(String tenant, String id, JsonNode body) {
        JsonFields.requireObject(body, PATCH_FIELDS);
        Webhook current = get(tenant, id);
        String url = body.has("url") ? JsonFields.text(body, "url") : current.url();
        if (body.has("url")) checkUrl(url);
        Optional<String> description = body.has("description") ? description(body) : current.description();
        WebhookFilters filters = body.has("filters") ? filtersCodec.read(body.get("filters")) : current.filters();
        boolean active = current.active();
        if (body.has("active")) {
            if (!body.get("active").isBoolean()) throw ApiException.invalid("invalid_type", "active must be true or false.", "active");
            active = body.get("active").booleanValue();
        }
        Optional<String> reason = active ? Optional.empty() : current.active() ? Optional.of("deactivated by a client") : current.disabledReason();
        Webhook updated = current.withUpdate(url, description, filters, active, reason, now());
        boolean deactivated = current.active() && !active;
        store.update(updated, deactivated, () -> registry.put(updated));
        return updated;
    }

    public void delete(String tenant, String id) {
        Webhook current = get(tenant, id);
        Webhook removed = current.withUpdate(current.url(), current.description(), current.filters(), false, Optional.of("deleted"), now());
        store.delete(removed, () -> registry.remove(removed));
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
        if (d != null && d.length() > 1024) throw ApiException.invalid("invalid_length", "description must be at most 1024 characters.", "description");
        return Optional.ofNullable(d);
    }
}
