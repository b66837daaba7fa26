package dev.eventwire.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.delivery.AttemptLogEntry;
import dev.eventwire.delivery.Delivery;
import dev.eventwire.delivery.DeliveryFilter;
import dev.eventwire.delivery.DeliveryService;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.JsonFields;
import dev.eventwire.support.Page;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import dev.eventwire.support.Timestamps;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/webhooks/**}: webhooks, their deliveries and attempt logs. */
final class WebhookRoutes implements RouteGroup {
    /** A webhook id as this service makes them: wh_ and 26 Crockford base-32 characters. */
    /** Longer than any message id this server makes (msg_ and 26 characters), short enough to echo. */
    private static final int MAX_MESSAGE_ID_LENGTH = 64;
    private static final KeyCursor CURSOR = new KeyCursor('w', java.util.regex.Pattern.compile("wh_[0-9A-HJKMNP-TV-Z]{26}"));
    private final WebhookService webhooks;
    private final DeliveryService deliveries;
    private final FiltersCodec filters;
    private final Responses responses;

    private final SealedCursors cursors;

    WebhookRoutes(WebhookService webhooks, DeliveryService deliveries, FiltersCodec filters, Responses responses, SealedCursors cursors) {
        this.cursors = cursors;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.filters = filters;
        this.responses = responses;
    }

    record WebhookView(String id, String url, String description, JsonNode filters, boolean active, String disabledReason,
                       Instant createdAt, Instant updatedAt, Number rateLimit, String ordering) {
    }

    record CreatedWebhookView(String id, String url, String description, JsonNode filters, boolean active, String disabledReason,
                              Instant createdAt, Instant updatedAt, Number rateLimit, String ordering, String secret) {
    }

    /** A rate limit as it was written: 50 stays 50 (not 50.0), 0.5 stays 0.5. */
    private static Number rateLimit(java.util.Optional<Double> limit) {
        if (limit.isEmpty()) return null;
        double d = limit.get();
        return d == Math.rint(d) ? (Number) (long) d : (Number) d;
    }

    record WebhookList(List<WebhookView> webhooks, String nextCursor) {
    }

    record SecretView(String secret) {
    }

    record DeliveryView(String eventId, String messageId, String eventType, String status, int attempts, Instant nextAttemptAt,
                        Integer lastStatusCode, String lastError, Instant createdAt, Instant updatedAt) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(d.eventId(), d.messageId(), d.eventType(), d.status().wireName(), d.attempts(), d.nextAttemptAt().orElse(null),
                    d.lastStatusCode().orElse(null), d.lastError().orElse(null), d.createdAt(), d.updatedAt());
        }
    }

    record DeliveryList(List<DeliveryView> deliveries, String nextCursor) {
    }

    record AttemptView(String attemptId, String webhookId, String eventId, String messageId, int attempt, String trigger, Integer statusCode,
                       boolean success, String error, long durationMs, String responseBody, Instant attemptedAt) {
        static AttemptView of(AttemptLogEntry a) {
            return new AttemptView(a.attemptId(), a.webhookId(), a.eventId(), a.messageId(), a.attempt(), a.trigger().wireName(),
                    a.statusCode().orElse(null), a.success(), a.error().orElse(null), a.durationMillis(), a.responseBody(), a.attemptedAt());
        }
    }

    record LogList(List<AttemptView> logs, String nextCursor) {
    }

    record Requeued(int requeued) {
    }

    record Queued(int queued) {
    }

    private void requireNoFields(Context ctx) {
        Requests.requireNoFields(ctx, responses.mapper());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/webhooks", ctx -> {
            Webhook w = webhooks.create(Requests.tenant(ctx), responses.mapper().parse(ctx.bodyAsBytes()));
            responses.json(ctx, 201, new CreatedWebhookView(w.id(), w.url(), w.description().orElse(null), filters.write(w.filters()), w.active(),
                    w.disabledReason().orElse(null), w.createdAt(), w.updatedAt(), rateLimit(w.rateLimit()), w.ordering().wireName(), w.secret()));
        });
        routes.get("/v1/webhooks", ctx -> {
            int limit = Requests.limit(ctx, 100, 1000);
            Optional<String> after = CURSOR.read(ctx);
            var page = webhooks.list(Requests.tenant(ctx), limit, after);
            responses.json(ctx, 200, new WebhookList(page.items().stream().map(this::view).toList(),
                    page.nextCursor().map(CURSOR::after).orElse(null)));
        });
        routes.get("/v1/webhooks/{id}", ctx -> responses.json(ctx, 200, view(webhooks.get(Requests.tenant(ctx), ctx.pathParam("id")))));
        routes.patch("/v1/webhooks/{id}", ctx -> responses.json(ctx, 200,
                view(webhooks.update(Requests.tenant(ctx), ctx.pathParam("id"), responses.mapper().parse(ctx.bodyAsBytes())))));
        routes.delete("/v1/webhooks/{id}", ctx -> {
            requireNoFields(ctx);
            webhooks.delete(Requests.tenant(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.get("/v1/webhooks/{id}/secret", ctx -> responses.json(ctx, 200, new SecretView(webhooks.get(Requests.tenant(ctx), ctx.pathParam("id")).secret())));
        routes.post("/v1/webhooks/{id}/secret/rotate", ctx -> {
            byte[] raw = ctx.bodyAsBytes();
            JsonNode body = raw.length == 0 ? null : responses.mapper().parse(raw);
            responses.json(ctx, 200, new SecretView(webhooks.rotateSecret(Requests.tenant(ctx), ctx.pathParam("id"), body).secret()));
        });
        routes.post("/v1/webhooks/{id}/test", ctx -> {
            requireNoFields(ctx);
            BodyBudget.bodyNotNeeded(ctx); // it answers after its attempts: about one delivery timeout later at most, two in the worst case
            responses.json(ctx, 200, deliveries.test(Requests.tenant(ctx), ctx.pathParam("id")));
        });
        routes.get("/v1/webhooks/{id}/logs", ctx -> {
            String tenant = Requests.tenant(ctx);
            Page<AttemptLogEntry> page = deliveries.logs(tenant, ctx.pathParam("id"), Requests.page(ctx, 20, 1000, cursors));
            responses.json(ctx, 200, new LogList(page.items().stream().map(AttemptView::of).toList(), cursors.next(Requests.listing(ctx), page)));
        });
        routes.get("/v1/webhooks/{id}/deliveries", ctx -> {
            Optional<DeliveryStatus> status = Optional.empty();
            String raw = ctx.queryParam("status");
            if (raw != null && !raw.isEmpty()) {
                status = Optional.of(DeliveryStatus.fromWire(raw).orElseThrow(() ->
                        ApiException.invalid("invalid_value", "status must be pending, delivered or dead.", "status")));
            }
            Optional<String> messageId = Optional.ofNullable(ctx.queryParam("message_id"));
            if (messageId.isPresent() && messageId.get().length() > MAX_MESSAGE_ID_LENGTH) {
                throw ApiException.invalid("invalid_length", "message_id is at most " + MAX_MESSAGE_ID_LENGTH + " characters (a webhook-id header's value).", "message_id");
            }
            String tenant = Requests.tenant(ctx);
            Page<Delivery> page = deliveries.list(tenant, ctx.pathParam("id"), new DeliveryFilter(status, messageId), Requests.page(ctx, 100, 1000, cursors));
            responses.json(ctx, 200, new DeliveryList(page.items().stream().map(DeliveryView::of).toList(), cursors.next(Requests.listing(ctx), page)));
        });
        routes.get("/v1/webhooks/{id}/deliveries/{event_id}", ctx -> {
            DeliveryService.DeliveryDetail detail = deliveries.get(Requests.tenant(ctx), ctx.pathParam("id"), ctx.pathParam("event_id"));
            ObjectNode node = responses.mapper().mapper().valueToTree(DeliveryView.of(detail.delivery()));
            node.set("attempt_log", responses.mapper().mapper().valueToTree(detail.attempts().stream().map(AttemptView::of).toList()));
            responses.json(ctx, 200, node);
        });
        routes.post("/v1/webhooks/{id}/deliveries/{event_id}/retry", ctx -> {
            requireNoFields(ctx);
            deliveries.retry(Requests.tenant(ctx), ctx.pathParam("id"), ctx.pathParam("event_id"));
            responses.json(ctx, 202, new RetryAccepted("pending"));
        });
        routes.post("/v1/webhooks/{id}/replay", ctx -> {
            String tenant = Requests.tenant(ctx);
            JsonNode body = responses.mapper().parse(ctx.bodyAsBytes());
            JsonFields.requireObject(body, Set.of("since", "until"));
            String since = JsonFields.text(body, "since");
            if (since == null) throw ApiException.invalid("missing_field", "since is required (RFC 3339).", "since");
            String until = JsonFields.text(body, "until");
            Instant from = Timestamps.parameter("since", since);
            Optional<Instant> to = until == null ? Optional.empty() : Optional.of(Timestamps.parameter("until", until));
            responses.json(ctx, 202, new Queued(deliveries.replay(tenant, ctx.pathParam("id"), from, to)));
        });
        routes.post("/v1/webhooks/{id}/recover", ctx -> {
            String tenant = Requests.tenant(ctx);
            JsonNode body = responses.mapper().parse(ctx.bodyAsBytes());
            JsonFields.requireObject(body, Set.of("since"));
            String since = JsonFields.text(body, "since");
            if (since == null) throw ApiException.invalid("missing_field", "since is required (RFC 3339).", "since");
            Instant from = Timestamps.parameter("since", since);
            responses.json(ctx, 202, new Requeued(deliveries.recover(tenant, ctx.pathParam("id"), from)));
        });
    }

    record RetryAccepted(String status) {
    }

    private WebhookView view(Webhook w) {
        return new WebhookView(w.id(), w.url(), w.description().orElse(null), filters.write(w.filters()), w.active(),
                w.disabledReason().orElse(null), w.createdAt(), w.updatedAt(), rateLimit(w.rateLimit()), w.ordering().wireName());
    }
}
