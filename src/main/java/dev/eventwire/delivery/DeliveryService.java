package dev.eventwire.delivery;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The delivery side of the webhook API: listings, one delivery with its attempts, retry, recover, test. */
public final class DeliveryService {
    private final DeliveryStore store;
    private final WebhookService webhooks;
    private final DeliveryEngine engine;
    private final WebhookTester tester;
    private final Clock clock;
    private final dev.eventwire.events.EventStore events;
    private final dev.eventwire.support.Json json;
    private final dev.eventwire.support.Ids ids;
    /** Events looked at per replay step; each step is its own short transaction, so ingest keeps flowing. */
    static final int REPLAY_BATCH = 1000;

    public DeliveryService(DeliveryStore store, WebhookService webhooks, DeliveryEngine engine, WebhookTester tester, Clock clock,
                           dev.eventwire.events.EventStore events, dev.eventwire.support.Json json, dev.eventwire.support.Ids ids) {
        this.events = events;
        this.json = json;
        this.ids = ids;
        this.store = store;
        this.webhooks = webhooks;
        this.engine = engine;
        this.tester = tester;
        this.clock = clock;
    }

    public record DeliveryDetail(Delivery delivery, List<AttemptLogEntry> attempts) {
    }

    public Page<Delivery> list(String tenant, String webhookId, DeliveryFilter filter, PageRequest page) {
        webhooks.get(tenant, webhookId);
        return store.list(tenant, webhookId, filter, page);
    }

    public DeliveryDetail get(String tenant, String webhookId, String eventId) {
        webhooks.get(tenant, webhookId);
        Delivery d = store.find(tenant, webhookId, eventId).orElseThrow(() -> ApiException.notFound("Delivery"));
        return new DeliveryDetail(d, store.attempts(tenant, webhookId, eventId));
    }

    public dev.eventwire.support.Page<AttemptLogEntry> logs(String tenant, String webhookId, dev.eventwire.support.PageRequest page) {
        webhooks.get(tenant, webhookId);
        return store.logs(tenant, webhookId, page);
    }

    public void retry(String tenant, String webhookId, String eventId) {
        Webhook webhook = webhooks.get(tenant, webhookId);
        requireActive(webhook);
        Delivery d = store.find(tenant, webhookId, eventId).orElseThrow(() -> ApiException.notFound("Delivery"));
        if (d.status() != DeliveryStatus.DEAD) {
            throw new ApiException(409, "not_dead", "Only a dead delivery can be retried; this one is " + d.status().wireName() + ".", null);
        }
        if (!store.retry(tenant, webhookId, eventId, clock.instant())) {
            throw new ApiException(409, "not_dead", "The delivery is no longer dead.", null);
        }
        engine.wakeUp();
    }

    public int recover(String tenant, String webhookId, Instant since) {
        Webhook webhook = webhooks.get(tenant, webhookId);
        requireActive(webhook);
        Instant now = clock.instant();
        if (since.isAfter(now)) throw ApiException.invalid("since_in_future", "since must be in the past.", "since");
        int requeued = store.recover(tenant, webhookId, since, now);
        engine.wakeUp();
        return requeued;
    }

    /**
     * Gives every event the tenant's log received in {@code [since, until)} that matches the webhook's
     * current filters and has no delivery to it a delivery, due now, in steps of {@link #REPLAY_BATCH}
     * events; returns how many it created. Replaying twice creates nothing the second time. Without
     * {@code until}: up to now.
     */
    public int replay(String tenant, String webhookId, Instant since, Optional<Instant> requestedUntil) {
        Instant until = requestedUntil.orElseGet(() -> clock.instant().plusNanos(1_000));
        Webhook webhook = webhooks.get(tenant, webhookId);
        requireActive(webhook);
        if (requestedUntil.isEmpty() && !until.isAfter(since)) throw ApiException.invalid("since_in_future", "since must be in the past.", "since");
        if (!until.isAfter(since)) throw ApiException.invalid("invalid_range", "until must be later than since.", "until");
        int queued = 0;
        long after = 0;
        while (true) {
            List<dev.eventwire.events.StoredEvent> page = events.receivedBetween(tenant, since, until, after, REPLAY_BATCH);
            List<ReplayDelivery> matching = new java.util.ArrayList<>();
            for (dev.eventwire.events.StoredEvent e : page) {
                dev.eventwire.events.NewEvent event = asNewEvent(tenant, e);
                if (webhook.filters().matches(event)) {
                    matching.add(new ReplayDelivery(tenant, e.eventId(), e.eventType(), e.seq(), ids.timeOrdered("msg_"), webhook.entityKeyFor(event)));
                }
            }
            if (!matching.isEmpty() && !stillActive(tenant, webhookId)) {
                // Deactivated or deleted while the replay ran: it stops here (what it queued is parked with the webhook).
                throw ApiException.afterQueueing(409, "webhook_inactive", "The webhook was deactivated or deleted during the replay; it stopped after queueing "
                        + queued + " deliveries, which are parked with the webhook.", queued);
            }
            int created = store.queueMissing(webhookId, matching, clock.instant());
            queued += created;
            if (created > 0) engine.wakeUp();
            if (page.size() < REPLAY_BATCH) return queued;
            after = page.getLast().seq();
        }
    }

    /** A stored event as the filters see it: its canonical body holds the entity and the data. */
    private dev.eventwire.events.NewEvent asNewEvent(String tenant, dev.eventwire.events.StoredEvent e) {
        com.fasterxml.jackson.databind.JsonNode body = json.read(e.body());
        com.fasterxml.jackson.databind.JsonNode data = body.get("data");
        com.fasterxml.jackson.databind.JsonNode entity = body.get("entity_id");
        com.fasterxml.jackson.databind.node.ObjectNode dataObject = data != null && data.isObject()
                ? (com.fasterxml.jackson.databind.node.ObjectNode) data : json.mapper().createObjectNode();
        return new dev.eventwire.events.NewEvent(tenant, e.eventId(), e.eventType(),
                entity == null || entity.isNull() ? Optional.empty() : Optional.of(entity.asText()),
                e.receivedAt(), e.receivedAt(), dataObject, e.body());
    }

    public WebhookTester.TestResult test(String tenant, String webhookId) {
        return tester.send(webhooks.get(tenant, webhookId));
    }

    private boolean stillActive(String tenant, String webhookId) {
        try {
            return webhooks.get(tenant, webhookId).active();
        } catch (ApiException gone) {
            return false;
        }
    }

    private static void requireActive(Webhook webhook) {
        if (!webhook.active()) {
            throw new ApiException(409, "webhook_inactive", "The webhook is not active; activate it with PATCH {\"active\":true} first.", null);
        }
    }
}
