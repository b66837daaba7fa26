package dev.eventwire.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.delivery.DeadDelivery;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryEffects;
import dev.eventwire.delivery.UnreportedEffects;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventValidator;
import dev.eventwire.events.NewEvent;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.WebhookRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventwire's own events in each tenant's log: {@code eventwire.delivery.dead},
 * {@code eventwire.webhook.disabled} and {@code eventwire.webhook.recovered}, with {@code data} naming the
 * webhook (and the event). They are ordinary events: stored, counted, fanned out to any webhook whose
 * filters match (subscribe with {@code "event_types":["eventwire"]}). A delivery of an operational event
 * that dies produces none, so a dead subscriber cannot feed itself. Event ids derive from what happened
 * (a death from the message id and the attempt it died at), so the same effect reported twice is stored
 * once. Each effect is kept by the delivery store until its event is stored; those a crash left
 * unreported are reported at start, and a sweep once a minute reports those another replica or a failed
 * append left.
 */
public final class OperationalEvents implements DeliveryEffects, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);
    public static final String PREFIX = EventValidator.RESERVED_PREFIX;

    /**
     * Waits between tries of an append that failed (the store refusing writes: a full disk, an I/O
     * error): quickly at first, then once a minute, for about an hour in all. The sweep goes on after that.
     */
    private static final List<Duration> RETRY_DELAYS = retryDelays();
    /** How often unreported effects are looked for, and how old one must be: the usual report takes milliseconds. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    private static final int SWEEP_BATCH = 1000;

    private final EventStore events;
    private final UnreportedEffects unreported;
    private final EventValidator validator;
    private final WebhookRegistry registry;
    private final Json json;
    private final Clock clock;
    private final List<Duration> retryDelays;
    /** Appending waits for an ingest commit; the delivery writer that reports effects must not. */
    private final ExecutorService appender = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("eventwire-effects-sweep").daemon().factory());
    private boolean sweepFailing;

    public OperationalEvents(EventStore events, UnreportedEffects unreported, EventValidator validator, WebhookRegistry registry, Json json, Clock clock) {
        this(events, unreported, validator, registry, json, clock, RETRY_DELAYS);
    }

    OperationalEvents(EventStore events, UnreportedEffects unreported, EventValidator validator, WebhookRegistry registry, Json json, Clock clock,
                      List<Duration> retryDelays) {
        this.events = events;
        this.unreported = unreported;
        this.validator = validator;
        this.registry = registry;
        this.json = json;
        this.clock = clock;
        this.retryDelays = List.copyOf(retryDelays);
    }

    private static List<Duration> retryDelays() {
        List<Duration> delays = new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
        delays.addAll(java.util.Collections.nCopies(60, Duration.ofMinutes(1)));
        return List.copyOf(delays);
    }

    /** Reports, at once, every effect left unreported (by a crash), then sweeps once a minute. */
    public void start() {
        sweeper.execute(() -> sweep(clock.instant()));
        sweeper.scheduleWithFixedDelay(() -> sweep(clock.instant().minus(SWEEP_EVERY)), SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reports the effects before {@code before} still unreported; their ids make one reported meanwhile
     * by the usual path a duplicate. Returns how many were reported.
     */
    int sweep(Instant before) {
        int reported = 0;
        try {
            for (List<DeliveryEffect> left = unreported.unreportedEffects(before, SWEEP_BATCH); !left.isEmpty();
                 left = unreported.unreportedEffects(before, SWEEP_BATCH)) {
                List<NewEvent> toAppend = left.stream().flatMap(e -> eventOf(e).stream()).toList();
                if (!toAppend.isEmpty()) events.append(toAppend, List.of()).join();
                unreported.effectsReported(left).join();
                reported += left.size();
                if (left.size() < SWEEP_BATCH) break;
            }
            if (reported > 0) log.info("reported {} delivery deaths and webhook changes left unreported (by a stop or a failed append)", reported);
            sweepFailing = false;
        } catch (RuntimeException e) {
            if (!sweepFailing) log.warn("could not report the delivery deaths and webhook changes left unreported (trying again in a minute): {}", e.getMessage());
            sweepFailing = true;
        }
        return reported;
    }

    @Override
    public void committed(List<DeliveryEffect> effects) {
        List<NewEvent> toAppend = new ArrayList<>();
        List<DeliveryEffect> toReport = new ArrayList<>();
        List<DeliveryEffect> nothingToReport = new ArrayList<>();
        for (DeliveryEffect effect : effects) {
            // This process stops sending at once; other replicas learn it from the store.
            if (effect instanceof DeliveryEffect.WebhookDisabled w) {
                registry.active(w.webhookId()).ifPresent(hook -> registry.put(hook.withUpdate(hook.url(), hook.description(), hook.filters(),
                        false, Optional.of(w.reason()), w.at())));
            }
            Optional<NewEvent> event = eventOf(effect);
            event.ifPresent(toAppend::add);
            (event.isPresent() ? toReport : nothingToReport).add(effect);
        }
        if (!nothingToReport.isEmpty()) forget(nothingToReport);
        if (toAppend.isEmpty()) return;
        appender.execute(() -> {
            if (appendRetrying(toAppend)) forget(toReport);
        });
    }

    /** The event reporting {@code effect}; none for the death of an operational event's delivery (no events about those). */
    private Optional<NewEvent> eventOf(DeliveryEffect effect) {
        ObjectNode data = json.mapper().createObjectNode();
        return switch (effect) {
            case DeliveryEffect.DeliveryDied d -> {
                DeadDelivery dead = d.dead();
                if (dead.eventType().startsWith(PREFIX)) yield Optional.empty();
                data.put("webhook_id", dead.webhookId());
                data.put("event_id", dead.eventId());
                data.put("message_id", dead.messageId());
                data.put("attempts", dead.attempts());
                dead.lastError().ifPresent(e -> data.put("last_error", e));
                // One per death: a delivery retried by hand after it died can die again, at a later attempt.
                yield Optional.of(validator.own(dead.tenant(), EventValidator.RESERVED_ID_PREFIX + "dead_" + dead.messageId() + "_" + dead.attempts(),
                        PREFIX + "delivery.dead", Optional.of(dead.webhookId()), dead.diedAt(), data));
            }
            case DeliveryEffect.WebhookDisabled w -> {
                data.put("webhook_id", w.webhookId());
                data.put("reason", w.reason());
                data.put("failing_since", w.failingSince().toString());
                yield Optional.of(validator.own(w.tenant(), EventValidator.RESERVED_ID_PREFIX + "disabled_" + w.webhookId() + "_" + w.at().toEpochMilli(),
                        PREFIX + "webhook.disabled", Optional.of(w.webhookId()), w.at(), data));
            }
            case DeliveryEffect.WebhookRecovered r -> {
                data.put("webhook_id", r.webhookId());
                data.put("failing_since", r.failingSince().toString());
                yield Optional.of(validator.own(r.tenant(), EventValidator.RESERVED_ID_PREFIX + "recovered_" + r.webhookId() + "_" + r.at().toEpochMilli(),
                        PREFIX + "webhook.recovered", Optional.of(r.webhookId()), r.at(), data));
            }
        };
    }

    /** The store forgets effects whose reports are stored; one it still keeps is reported again by a sweep, harmlessly. */
    private void forget(List<DeliveryEffect> reported) {
        unreported.effectsReported(reported).exceptionally(failure -> {
            log.debug("could not mark {} delivery effects reported (a sweep will): {}", reported.size(), failure.getMessage());
            return null;
        });
    }

    /** Their ids make a repeated append harmless: whatever a failed try managed to store is a duplicate the next time. True once stored. */
    private boolean appendRetrying(List<NewEvent> toAppend) {
        for (int tried = 0; ; tried++) {
            try {
                events.append(toAppend, List.of()).join();
                if (tried > 0) log.info("appended {} operational events after {} failed tries", toAppend.size(), tried);
                return true;
            } catch (RuntimeException e) {
                if (tried == retryDelays.size()) {
                    log.error("gave up appending {} operational events after {} tries (a later sweep reports them): {}",
                            toAppend.size(), tried + 1, e.getMessage());
                    return false;
                }
                if (tried == 0) log.warn("could not append {} operational events (trying again for about an hour): {}", toAppend.size(), e.getMessage());
                try {
                    Thread.sleep(retryDelays.get(tried));
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Stops the sweep and the appends still waiting to try again (the store is about to close). */
    @Override
    public void close() {
        sweeper.shutdownNow();
        appender.shutdownNow();
    }
}
