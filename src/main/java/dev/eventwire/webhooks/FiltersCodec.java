package dev.eventwire.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.events.EventValidator;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import dev.eventwire.support.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads webhook filters from request JSON (validating them) and writes them back as JSON. */
public final class FiltersCodec {
    /** The same bound as metric field values: amounts beyond it cannot be stored as events' metric values anyway. */
    static final java.math.BigDecimal MAX_MIN_AMOUNT = new java.math.BigDecimal("1e15");
    private static final Set<String> FIELDS = Set.of("event_types", "entity_ids", "min_amount");
    private static final int MAX_ENTRIES = 100;

    private final Json json;

    public FiltersCodec(Json json) {
        this.json = json;
    }

    /** Filters a request gave, validated. */
    public WebhookFilters read(JsonNode node) {
        return read(node, true);
    }

    /** {@code fromRequest}: false for stored filters, which an earlier version may have let through with longer numbers. */
    private WebhookFilters read(JsonNode node, boolean fromRequest) {
        if (node == null || node.isNull()) return WebhookFilters.NONE;
        if (!node.isObject()) throw ApiException.invalid("invalid_type", "filters must be an object.", "filters");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                String shown = Echo.of(name);
                throw ApiException.invalid("unknown_field", "Unknown filter '" + shown + "'; allowed: event_types, entity_ids, min_amount.", "filters." + shown);
            }
        }
        List<String> types = strings(node.get("event_types"), "filters.event_types");
        for (String t : types) {
            // Not quoted when too long: the answer would carry back whatever size of entry was sent.
            if (t.length() > 128) {
                throw ApiException.invalid("invalid_format", "An event type or prefix is at most 128 characters; one has " + t.length() + ".",
                        "filters.event_types");
            }
            if (!EventValidator.EVENT_TYPE.matcher(t).matches()) {
                throw ApiException.invalid("invalid_format", "'" + Echo.of(t) + "' is not an event type or dotted prefix such as order or order.created.", "filters.event_types");
            }
        }
        List<String> entities = strings(node.get("entity_ids"), "filters.entity_ids");
        for (String e : entities) {
            if (e.isEmpty() || dev.eventwire.support.TextRules.characters(e) > 128) throw ApiException.invalid("invalid_length", "entity ids must be 1-128 characters.", "filters.entity_ids");
            // As an event's entity_id: a filter entry that could only be stored altered would match another entity.
            // Bidirectional controls are refused in requests only: filters an earlier version stored with them still load.
            if (!dev.eventwire.support.TextRules.isPlainLine(e) || (fromRequest && dev.eventwire.support.TextRules.hasBidiControls(e))) {
                throw ApiException.invalid("invalid_format", "entity ids must be valid Unicode without control characters or bidirectional text controls (such as U+202E).",
                        "filters.entity_ids");
            }
        }
        JsonNode min = node.get("min_amount");
        Optional<java.math.BigDecimal> minAmount = Optional.empty();
        if (min != null && !min.isNull()) {
            if (!min.isNumber()) throw ApiException.invalid("invalid_type", "min_amount must be a number.", "filters.min_amount");
            if (min.decimalValue().abs().compareTo(MAX_MIN_AMOUNT) > 0) {
                throw ApiException.invalid("number_out_of_range", "min_amount must be between -1e15 and 1e15.", "filters.min_amount");
            }
            // As numbers in event data: a value such as 1e-100000 would be written out in full wherever the
            // webhook is stored and shown.
            if (fromRequest && EventValidator.exceedsDigits(min.decimalValue())) {
                throw ApiException.invalid("number_out_of_range", "min_amount may have at most " + EventValidator.MAX_NUMBER_DIGITS
                        + " digits after the decimal point.", "filters.min_amount");
            }
            minAmount = Optional.of(min.decimalValue());
        }
        return new WebhookFilters(types, entities, minAmount);
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw ApiException.invalid("invalid_type", field + " must be an array of strings.", field);
        if (node.size() > MAX_ENTRIES) throw ApiException.invalid("invalid_length", field + " holds at most " + MAX_ENTRIES + " entries.", field);
        if (node.isEmpty()) {
            // An empty list reads as "match nothing" to some and "no filter" to others: it would widen the webhook to every event.
            throw ApiException.invalid("invalid_length", field + " must hold at least one entry; leave it out to match every event.", field);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) throw ApiException.invalid("invalid_type", field + " must be an array of strings.", field);
            out.add(item.textValue());
        }
        return out;
    }

    public ObjectNode write(WebhookFilters filters) {
        ObjectNode node = json.mapper().createObjectNode();
        if (!filters.eventTypes().isEmpty()) {
            ArrayNode types = node.putArray("event_types");
            filters.eventTypes().forEach(types::add);
        }
        if (!filters.entityIds().isEmpty()) {
            ArrayNode ids = node.putArray("entity_ids");
            filters.entityIds().forEach(ids::add);
        }
        filters.minAmount().ifPresent(m -> node.put("min_amount", m));
        return node;
    }

    public String writeString(WebhookFilters filters) {
        return json.write(write(filters));
    }

    public WebhookFilters readString(String text) {
        return read(json.read(text), false);
    }
}
