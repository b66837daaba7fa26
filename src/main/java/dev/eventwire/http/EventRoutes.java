package dev.eventwire.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.events.EventQuery;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.events.EventTypes;
import dev.eventwire.events.EventValidator;
import dev.eventwire.events.IngestResult;
import dev.eventwire.events.IngestService;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.support.AcknowledgementObserver;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Page;
import dev.eventwire.support.TextRules;
import io.javalin.config.RoutesConfig;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** {@code /v1/events} and {@code /v1/rejected-events}. */
final class EventRoutes implements RouteGroup {
    private static final KeyCursor EVENT_TYPE_CURSOR = new KeyCursor('t', java.util.regex.Pattern.compile("(?=.{1,128}$)" + EventValidator.EVENT_TYPE.pattern()));
    private final IngestService ingest;
    private final LargeBodyWork largeBodies;
    private final EventStore events;
    private final Responses responses;
    private final EventTypes eventTypes;
    private final AcknowledgementObserver acknowledgements;

    private final SealedCursors cursors;

    EventRoutes(IngestService ingest, LargeBodyWork largeBodies, EventStore events, EventTypes eventTypes, Responses responses,
                AcknowledgementObserver acknowledgements, SealedCursors cursors) {
        this.cursors = cursors;
        this.acknowledgements = acknowledgements;
        this.eventTypes = eventTypes;
        this.ingest = ingest;
        this.largeBodies = largeBodies;
        this.events = events;
        this.responses = responses;
    }

    record SingleView(String eventId, String status) {
    }

    record ItemView(int index, String eventId, String status, @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) ErrorDetail error) {
    }

    record BatchView(int accepted, int duplicates, int rejected, List<ItemView> results) {
    }

    record EventList(List<JsonNode> events, String nextCursor) {
    }

    /** {@code eventId}: the top-level {@code event_id} string the body held, if it holds one before it stops being JSON; else null. */
    record RejectedView(Instant receivedAt, String eventId, ErrorDetail error, String body) {
    }

    private static final com.fasterxml.jackson.core.JsonFactory BODIES = new com.fasterxml.jackson.core.JsonFactory();

    /** The event id a rejected body names, read as far as it is JSON (a body kept truncated is read up to its cut). */
    static String eventIdOf(String body) {
        try (com.fasterxml.jackson.core.JsonParser p = BODIES.createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if (field.equals("event_id")) return value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
                p.skipChildren();
            }
            return null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    record EventTypeView(String eventType, @com.fasterxml.jackson.annotation.JsonProperty("count_24h") long count24h, Instant lastSeenAt) {
    }

    record EventTypeList(List<EventTypeView> eventTypes, String nextCursor) {
    }

    record RejectedList(List<RejectedView> rejected, String nextCursor) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/events", ctx -> {
            String tenant = Requests.tenant(ctx);
            // The tenant's share of the body budget was taken before the body was read (BodyBudget).
            byte[] body = ctx.bodyAsBytes();
            switch (largeBodies.handle(body, () -> ingest.ingest(tenant, body))) {
                case IngestResult.Single s -> responses.json(ctx, s.status() == IngestResult.ItemStatus.ACCEPTED ? 202 : 200,
                        new SingleView(s.eventId(), s.status().wireName()));
                case IngestResult.Batch b -> responses.json(ctx, 200, new BatchView(b.accepted(), b.duplicates(), b.rejected(),
                        b.results().stream().map(r -> new ItemView(r.index(), r.eventId(), r.status().wireName(), r.error())).toList()));
            }
            acknowledgements.acknowledged(System.nanoTime() - Requests.beganNanos(ctx));
        });
        routes.get("/v1/events/{event_id}", ctx -> {
            StoredEvent event = events.find(Requests.tenant(ctx), ctx.pathParam("event_id"))
                    .orElseThrow(() -> ApiException.notFound("Event"));
            responses.json(ctx, 200, view(event));
        });
        routes.get("/v1/events", ctx -> {
            String tenant = Requests.tenant(ctx);
            Optional<String> type = Optional.ofNullable(ctx.queryParam("event_type")).filter(s -> !s.isEmpty());
            // As a webhook's filter takes it: a value no event can have is a mistake to say, not an empty page.
            if (type.isPresent() && (type.get().length() > 128 || !EventValidator.EVENT_TYPE.matcher(type.get()).matches())) {
                throw ApiException.invalid("invalid_value", "event_type must be an event type or dotted prefix such as order or order.created.", "event_type");
            }
            Optional<String> entity = Optional.ofNullable(ctx.queryParam("entity_id")).filter(s -> !s.isEmpty());
            // Likewise an entity id no event can carry: longer than 128 characters, or a control character. One
            // with bidirectional text controls is looked for: events accepted before they were refused carry them.
            if (entity.isPresent() && (TextRules.characters(entity.get()) > 128 || !TextRules.isPlainLine(entity.get()))) {
                throw ApiException.invalid("invalid_value", "entity_id must be an entity id as events carry it: 1-128 characters, "
                        + "without control characters.", "entity_id");
            }
            Page<StoredEvent> page = events.list(new EventQuery(tenant, type, entity, Requests.page(ctx, 100, 1000, cursors)));
            responses.json(ctx, 200, new EventList(page.items().stream().map(this::view).toList(), cursors.next(Requests.listing(ctx), page)));
        });
        routes.get("/v1/event-types", ctx -> {
            // 1000 by default: what this route answered before it paged, so a client that never follows
            // next_cursor still gets every type of a tenant with fewer.
            Page<EventTypeStats> page = eventTypes.page(Requests.tenant(ctx), EVENT_TYPE_CURSOR.read(ctx), Requests.limit(ctx, 1000, 1000));
            responses.json(ctx, 200, new EventTypeList(page.items().stream().map(t -> new EventTypeView(t.eventType(), t.count24h(), t.lastSeenAt())).toList(),
                    page.nextCursor().map(EVENT_TYPE_CURSOR::after).orElse(null)));
        });
        routes.get("/v1/rejected-events", ctx -> {
            String tenant = Requests.tenant(ctx);
            Page<RejectedEvent> page = events.listRejected(tenant, Requests.page(ctx, 100, 1000, cursors));
            responses.json(ctx, 200, new RejectedList(
                    page.items().stream().map(r -> new RejectedView(r.receivedAt(), eventIdOf(r.body()), r.error(), r.body())).toList(),
                    cursors.next(Requests.listing(ctx), page)));
        });
    }

    private JsonNode view(StoredEvent event) {
        ObjectNode node = (ObjectNode) responses.mapper().read(event.body());
        node.put("received_at", DateTimeFormatter.ISO_INSTANT.format(event.receivedAt()));
        return node;
    }
}
