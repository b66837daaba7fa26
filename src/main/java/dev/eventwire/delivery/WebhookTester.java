package dev.eventwire.delivery;

import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.Webhook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /v1/webhooks/{id}/test}: sends a {@code webhook.test} event now, outside the queue, with up
 * to 3 attempts and a short backoff, and reports how it went. Its attempts go to the webhook's log. The
 * caller waits for the answer, so the test retries only while its attempts together took less than one
 * delivery timeout: a receiver that failed fast (refused, 5xx) gets its second and third chance, one that
 * did not answer in time is reported after that one attempt — not after three timeouts back to back.
 */
public final class WebhookTester {
    static final int ATTEMPTS = 3;
    static final List<Duration> BACKOFF = List.of(Duration.ofMillis(250), Duration.ofMillis(750));

    private final HttpSender sender;
    private final RequestFactory requests;
    private final DeliveryStore store;
    private final Ids ids;
    private final Json json;
    private final Clock clock;
    private final Duration answerWithin;

    /** {@code answerWithin}: the delivery timeout; once the attempts took that long together, no other is made. */
    public WebhookTester(HttpSender sender, RequestFactory requests, DeliveryStore store, Ids ids, Json json, Clock clock, Duration answerWithin) {
        this.sender = sender;
        this.requests = requests;
        this.store = store;
        this.ids = ids;
        this.json = json;
        this.clock = clock;
        this.answerWithin = answerWithin;
    }

    public record TestResult(String deliveryId, String webhookId, String eventId, String eventType, boolean success,
                             Integer statusCode, String error, int attempts) {
    }

    public TestResult send(Webhook webhook) {
        String eventId = ids.timeOrdered("evt_");
        String messageId = ids.timeOrdered("msg_");
        Instant occurred = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", eventId);
        body.put("event_type", "webhook.test");
        body.put("entity_id", null);
        body.put("occurred_at", DateTimeFormatter.ISO_INSTANT.format(occurred));
        body.put("data", Map.of("message", "This is a test event from Eventwire.", "webhook_id", webhook.id()));
        String payload = json.write(body);

        List<AttemptRecord> log = new ArrayList<>();
        AttemptResult result = null;
        int attempt = 0;
        long spentMillis = 0;
        while (attempt < ATTEMPTS) {
            attempt++;
            Instant at = clock.instant();
            result = sendOnce(requests.build(webhook, messageId, "webhook.test", attempt, at.getEpochSecond(), payload));
            log.add(logRow(webhook, eventId, messageId, attempt, result, at));
            spentMillis += result.durationMillis();
            if (result instanceof AttemptResult.Delivered || result instanceof AttemptResult.Gone || attempt == ATTEMPTS
                    || spentMillis >= answerWithin.toMillis()) break;
            pause(BACKOFF.get(attempt - 1));
        }
        store.appendLog(log);
        AttemptRecord last = log.getLast();
        return new TestResult(messageId, webhook.id(), eventId, "webhook.test", last.success(), last.statusCode().orElse(null),
                last.error().orElse(null), attempt);
    }

    private AttemptResult sendOnce(OutgoingRequest request) {
        try {
            return sender.send(request).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptResult.Failed(Optional.empty(), "interrupted", "", 0);
        } catch (ExecutionException e) {
            return new AttemptResult.Failed(Optional.empty(), "internal error: " + e.getCause().getMessage(), "", 0);
        }
    }

    private static AttemptRecord logRow(Webhook webhook, String eventId, String messageId, int attempt, AttemptResult result, Instant at) {
        boolean success = result instanceof AttemptResult.Delivered;
        Optional<String> error = switch (result) {
            case AttemptResult.Delivered d -> Optional.empty();
            case AttemptResult.Gone g -> Optional.of("HTTP 410 Gone");
            case AttemptResult.Throttled t -> Optional.of("HTTP " + t.statusCode());
            case AttemptResult.Failed f -> Optional.of(f.error());
        };
        return new AttemptRecord(webhook.tenant(), webhook.id(), eventId, messageId, "eventwire.test", attempt, Trigger.TEST, result.status(), success, error,
                result.durationMillis(), result.responseBody(), at, success ? DeliveryStatus.DELIVERED : DeliveryStatus.DEAD, Optional.empty(), Optional.empty(), 0L, 0L);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
