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

    public DeliveryService(DeliveryStore store, WebhookService webhooks, DeliveryEngine engine, WebhookTester tester, Clock clock) {
        this.store = store;
        this.webhooks = webhooks;
        this.engine = engine;
        this.tester = tester;
        this.clock = clock;
    }

    public record DeliveryDetail(Delivery delivery, List<AttemptLogEntry> attempts) {
    }

    public Page<Delivery> list(String tenant, String webhookId, Optional<DeliveryStatus> status, PageRequest page) {
        webhooks.get(tenant, webhookId);
        return store.list(tenant, webhookId, status, page);
    }

    public DeliveryDetail get(String tenant, String webhookId, String eventId) {
        webhooks.get(tenant, webhookId);
        Delivery d = store.find(tenant, webhookId, eventId).orElseThrow(() -> ApiException.notFound("Delivery"));
        return new DeliveryDetail(d, store.attempts(tenant, webhookId, eventId));
    }

    public List<AttemptLogEntry> logs(String tenant, String webhookId, int limit) {
        webhooks.get(tenant, webhookId);
        return store.logs(tenant, webhookId, limit);
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
        int requeued = store.recover(tenant, webhookId, since, clock.instant());
        engine.wakeUp();
        return requeued;
    }

    public WebhookTester.TestResult test(String tenant, String webhookId) {
        return tester.send(webhooks.get(tenant, webhookId));
    }

    private static void requireActive(Webhook webhook) {
        if (!webhook.active()) {
            throw new ApiException(409, "webhook_inactive", "The webhook is not active; activate it with PATCH {\"active\":true} first.", null);
        }
    }
}
