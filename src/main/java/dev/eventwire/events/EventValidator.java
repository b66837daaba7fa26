package dev.eventwire.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.support.Echo;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.TextRules;
import dev.eventwire.support.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Applies the event field rules (README, docs/api-choices.md) to one submitted event and builds its canonical body. */
public final class EventValidator {
    static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");
    static final int MAX_DATA_BYTES = 256 * 1024;
    static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    /** Numbers in data are kept as written; beyond this many digits on either side of the point they are refused. */
    public static final int MAX_NUMBER_DIGITS = 1000;
    private static final Set<String> FIELDS = Set.of("event_id", "event_type", "occurred_at", "entity_id", "data");

    /** The event types Eventwire writes itself (a dead delivery, a disabled or recovered webhook). */
    public static final String RESERVED_PREFIX = "eventwire.";
    /**
     * The start of those events' ids, which derive from what happened: an event a client posted under such
     * an id first would take the place of the service's own (a dead delivery's alert never sent).
     */
    public static final String RESERVED_ID_PREFIX = "evw_";

    private final Json json;
    private final Ids ids;
    private final boolean reservedTypesAllowed;

    /** The rules for events clients send: the {@value #RESERVED_PREFIX} types are refused, so a subscriber can trust one came from Eventwire. */
    public EventValidator(Json json, Ids ids) {
        this(json, ids, false);
    }

    private EventValidator(Json json, Ids ids, boolean reservedTypesAllowed) {
        this.json = json;
        this.ids = ids;
        this.reservedTypesAllowed = reservedTypesAllowed;
    }

    /** The same rules for the events Eventwire writes itself, which use the reserved types. */
    public static EventValidator forOperationalEvents(Json json, Ids ids) {
        return new EventValidator(json, ids, true);
    }

    public Validation validate(String tenant, JsonNode node, Instant receivedAt) {
        if (!node.isObject()) {
            return invalid("invalid_type", "An event must be a JSON object.", null, null);
        }
        String submittedId = node.path("event_id").isTextual() ? node.get("event_id").textValue() : null;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                String shown = Echo.of(name);
                return invalid("unknown_field", "Unknown field '" + shown + "'; allowed: event_id, event_type, occurred_at, entity_id, data.", shown, submittedId);
            }
        }

        String eventId;
        JsonNode idNode = node.get("event_id");
        if (absent(idNode)) {
            eventId = ids.timeOrdered("evt_");
        } else if (!idNode.isTextual()) {
            return invalid("invalid_type", "event_id must be a string.", "event_id", null);
        } else if (!EVENT_ID.matcher(idNode.textValue()).matches()) {
            return invalid("invalid_format", "event_id must be 1-128 characters of A-Z a-z 0-9 . _ : -", "event_id", null);
        } else if (!reservedTypesAllowed && idNode.textValue().startsWith(RESERVED_ID_PREFIX)) {
            return invalid("reserved_event_id", "event ids starting with " + RESERVED_ID_PREFIX + " are Eventwire's own events' ids; choose another.", "event_id", submittedId);
        } else {
            eventId = idNode.textValue();
        }

        JsonNode typeNode = node.get("event_type");
        if (absent(typeNode)) {
            return invalid("missing_field", "event_type is required.", "event_type", submittedId);
        }
        if (!typeNode.isTextual()) {
            return invalid("invalid_type", "event_type must be a string.", "event_type", submittedId);
        }
        String eventType = typeNode.textValue();
        if (eventType.isEmpty() || eventType.length() > 128) {
            return invalid("invalid_length", "event_type must be 1-128 characters.", "event_type", submittedId);
        }
        if (!EVENT_TYPE.matcher(eventType).matches()) {
            return invalid("invalid_format", "event_type must be lowercase dotted words such as order.created.", "event_type", submittedId);
        }
        if (!reservedTypesAllowed && (eventType.startsWith(RESERVED_PREFIX) || eventType.equals("eventwire"))) {
            return invalid("reserved_event_type", "event types starting with eventwire. are Eventwire's own events; choose another name.", "event_type",
                    submittedId);
        }

        Instant occurredAt = receivedAt;
        JsonNode occurredNode = node.get("occurred_at");
        if (!absent(occurredNode)) {
            if (!occurredNode.isTextual()) {
                return invalid("invalid_type", "occurred_at must be an RFC 3339 string.", "occurred_at", submittedId);
            }
            Optional<Instant> parsed = Timestamps.parse(occurredNode.textValue());
            if (parsed.isEmpty()) {
                return invalid("invalid_format", Timestamps.formatProblem("occurred_at", occurredNode.textValue()), "occurred_at", submittedId);
            }
            occurredAt = parsed.get();
            if (occurredAt.isBefore(Timestamps.EARLIEST)) {
                return invalid("out_of_range", "occurred_at must not be before 1970-01-01T00:00:00Z.", "occurred_at", submittedId);
            }
            if (occurredAt.isAfter(receivedAt.plus(MAX_FUTURE_SKEW))) {
                return invalid("occurred_in_future", "occurred_at is more than 5 minutes in the future.", "occurred_at", submittedId);
            }
        }
        occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);

        Optional<String> entityId = Optional.empty();
        JsonNode entityNode = node.get("entity_id");
        if (!absent(entityNode)) {
            if (!entityNode.isTextual()) {
                return invalid("invalid_type", "entity_id must be a string.", "entity_id", submittedId);
            }
            String value = entityNode.textValue();
            if (value.isEmpty() || TextRules.characters(value) > 128) {
                return invalid("invalid_length", "entity_id must be 1-128 characters.", "entity_id", submittedId);
            }
            if (!TextRules.isPlainIdentifier(value)) {
                return invalid("invalid_format", "entity_id must be valid Unicode without control characters or bidirectional text controls (such as U+202E).",
                        "entity_id", submittedId);
            }
            entityId = Optional.of(value);
        }

        JsonNode data = node.get("data");
        if (absent(data)) {
            data = json.mapper().createObjectNode();
        } else if (!data.isObject()) {
            return invalid("invalid_type", "data must be a JSON object.", "data", submittedId);
        }
        Optional<String> badText = firstPath(data, "data", EventValidator::isInvalidText, key -> !TextRules.isValidUnicode(key));
        if (badText.isPresent()) {
            return invalid("invalid_unicode", "Strings in data must be valid Unicode (a lone surrogate cannot be stored as sent).", badText.get(), submittedId);
        }
        Optional<String> hugeNumber = firstPath(data, "data", EventValidator::isHugeNumber, key -> false);
        if (hugeNumber.isPresent()) {
            return invalid("number_out_of_range", "Numbers in data may have at most 1000 digits before and after the decimal point.", hugeNumber.get(),
                    submittedId);
        }
        String dataJson = json.write(data);
        if (dataJson.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
            return invalid("too_large", "data is larger than 256 KiB when serialized.", "data", submittedId);
        }

        String body = canonicalBody(eventId, eventType, entityId, occurredAt, (ObjectNode) data);
        return new Validation.Valid(new NewEvent(tenant, eventId, eventType, entityId, occurredAt, receivedAt, (ObjectNode) data, body));
    }

    /** An event Eventwire itself writes into a tenant's log (operational events); built from trusted values, so not checked. */
    public NewEvent own(String tenant, String eventId, String eventType, Optional<String> entityId, Instant when, ObjectNode data) {
        Instant at = when.truncatedTo(ChronoUnit.MICROS); // as a client's: the store keeps microseconds
        return new NewEvent(tenant, eventId, eventType, entityId, at, at, data, canonicalBody(eventId, eventType, entityId, at, data));
    }

    /** The body sent to receivers: fixed field order, compact, UTC timestamps. */
    private String canonicalBody(String eventId, String eventType, Optional<String> entityId, Instant occurredAt, ObjectNode data) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("event_id", eventId);
        canonical.put("event_type", eventType);
        canonical.put("entity_id", entityId.orElse(null));
        canonical.put("occurred_at", DateTimeFormatter.ISO_INSTANT.format(occurredAt));
        canonical.put("data", data);
        return json.write(canonical);
    }


    private static boolean isHugeNumber(JsonNode node) {
        return node.isNumber() && exceedsDigits(node.decimalValue());
    }

    /** Whether a number has more than {@link #MAX_NUMBER_DIGITS} digits before or after the point. */
    public static boolean exceedsDigits(java.math.BigDecimal d) {
        return d.scale() > MAX_NUMBER_DIGITS || (long) d.precision() - d.scale() > MAX_NUMBER_DIGITS;
    }

    private static boolean isInvalidText(JsonNode node) {
        return node.isTextual() && !TextRules.isValidUnicode(node.textValue());
    }

    /** The path of the first value in {@code node} (or the object holding the first key) that {@code bad} or {@code badKey} flags. */
    private static Optional<String> firstPath(JsonNode node, String path, java.util.function.Predicate<JsonNode> bad,
                                              java.util.function.Predicate<String> badKey) {
        if (bad.test(node)) return Optional.of(path);
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (badKey.test(field.getKey())) return Optional.of(path);
                Optional<String> inner = firstPath(field.getValue(), path + "." + field.getKey(), bad, badKey);
                if (inner.isPresent()) return inner;
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> inner = firstPath(node.get(i), path + "[" + i + "]", bad, badKey);
                if (inner.isPresent()) return inner;
            }
        }
        return Optional.empty();
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static Validation invalid(String code, String message, String field, String eventId) {
        return new Validation.Invalid(new ErrorDetail(code, message, field), eventId);
    }
}
