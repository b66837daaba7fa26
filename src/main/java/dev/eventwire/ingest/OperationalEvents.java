package dev.eventwire.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryEffects;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventValidator;
import dev.eventwire.events.NewEvent;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.WebhookRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventwire's own events in each tenant's log: {@code eventwire.delivery.dead},
 * {@code eventwire.webhook.disabled} and {@code eventwire.webhook.recovered}, with {@code data} naming the
 * webhook (and the event). They are ordinary events: stored, counted, fanned out to any webhook whose
 * filters match (subscribe with {@code "event_types":["eventwire"]}). A delivery of an operational event
 * that dies produces none, so a dead subscriber cannot feed itself. Event ids derive from what happened
 * (a death from the message id and the attempt it died at), so the same effect reported twice is stored
 * once.
 */
public final class OperationalEvents implements DeliveryEffects, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);
    public static final String PREFIX = EventValidator.RESERVED_PREFIX;

    /**
     * Waits between tries of an append that failed (the store refusing writes: a full disk, an I/O
     * error): quickly at first, then once a minute, for about an hour in all.
     */
    private static final List<Duration> RETRY_DELAYS = retryDelays();

    private final EventStore events;
    private final EventValidator validator;
    private final WebhookRegistry registry;
    private final Json json;
    private final List<Duration> retryDelays;
    /** Appending waits for an ingest commit; the delivery writer that reports effects must not. */
    private final ExecutorService appender = Executors.newVirtualThreadPerTaskExecutor();

    public OperationalEvents(EventStore events, EventValidator validator, WebhookRegistry registry, Json json) {
        this(events, validator, registry, json, RETRY_DELAYS);
    }

    OperationalEvents(EventStore events, EventValidator validator, WebhookRegistry registry, Json json, List<Duration> retryDelays) {
        this.events = events;
        this.validator = validator;
        this.registry = registry;
        this.json = json;
        this.retryDelays = List.copyOf(retryDelays);
    }

    private static List<Duration> retryDelays() {
        List<Duration> delays = new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
        delays.addAll(java.util.Collections.nCopies(60, Duration.ofMinutes(1)));
        return List.copyOf(delays);
    }

    @Override
    public void committed(List<DeliveryEffect> effects) {
        List<NewEvent> toAppend = new ArrayList<>();
        for (DeliveryEffect effect : effects) {
            switch (effect) {
                case DeliveryEffect.DeliveryDied d -> {
                    if (d.record().eventType().startsWith(PREFIX)) continue; // no events about operational events
                    ObjectNode data = json.mapper().createObjectNode();
                    data.put("webhook_id", d.record().webhookId());
                    data.put("event_id", d.record().eventId());
                    data.put("message_id", d.record().messageId());
                    data.put("attempts", d.record().attempt());
                    d.record().error().ifPresent(e -> data.put("last_error", e));
                    // One per death: a delivery retried by hand after it died can die again, at a later attempt.
                    toAppend.add(validator.own(d.record().tenant(), EventValidator.RESERVED_ID_PREFIX + "dead_" + d.record().messageId() + "_" + d.record().attempt(), PREFIX + "delivery.dead",
                            Optional.of(d.record().webhookId()), d.record().attemptedAt(), data));
                }
                case DeliveryEffect.WebhookDisabled w -> {
                    // This process stops sending at once; other replicas learn it from the store.
                    registry.active(w.webhookId()).ifPresent(hook -> registry.put(hook.withUpdate(hook.url(), hook.description(), hook.filters(),
                            false, Optional.of(w.reason()), w.at())));
                    ObjectNode data = json.mapper().createObjectNode();
                    data.put("webhook_id", w.webhookId());
                    data.put("reason", w.reason());
                    data.put("failing_since", w.failingSince().toString());
                    toAppend.add(validator.own(w.tenant(), EventValidator.RESERVED_ID_PREFIX + "disabled_" + w.webhookId() + "_" + w.at().toEpochMilli(), PREFIX + "webhook.disabled",
                            Optional.of(w.webhookId()), w.at(), data));
                }
                case DeliveryEffect.WebhookRecovered r -> {
                    ObjectNode data = json.mapper().createObjectNode();
                    data.put("webhook_id", r.webhookId());
                    data.put("failing_since", r.failingSince().toString());
                    toAppend.add(validator.own(r.tenant(), EventValidator.RESERVED_ID_PREFIX + "recovered_" + r.webhookId() + "_" + r.at().toEpochMilli(), PREFIX + "webhook.recovered",
                            Optional.of(r.webhookId()), r.at(), data));
                }
            }
        }
        if (toAppend.isEmpty()) return;
        appender.execute(() -> appendRetrying(toAppend));
    }

    /** Their ids make a repeated append harmless: whatever a failed try managed to store is a duplicate the next time. */
    private void appendRetrying(List<NewEvent> toAppend) {
        for (int tried = 0; ; tried++) {
            try {
                events.append(toAppend, List.of()).join();
                if (tried > 0) log.info("appended {} operational events after {} failed tries", toAppend.size(), tried);
                return;
            } catch (RuntimeException e) {
                if (tried == retryDelays.size()) {
                    log.error("gave up appending {} operational events after {} tries: {}", toAppend.size(), tried + 1, e.getMessage());
                    return;
                }
                if (tried == 0) log.warn("could not append {} operational events (trying again for about an hour): {}", toAppend.size(), e.getMessage());
                try {
                    Thread.sleep(retryDelays.get(tried));
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops the appends still waiting to try again (the store is about to close). */
    @Override
    public void close() {
        appender.shutdownNow();
    }
}
