package dev.eventwire.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.events.EventValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The built-in metrics plus those of an optional YAML file, checked before the server starts. */
public final class MetricDefinitions {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** NAME in words: a refusal states the whole rule, so a too-long name is not reported as a bad character. */
    static final String NAME_RULE = "must start with a lowercase letter, then lowercase letters, digits and _, at most 64 characters in all";
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
    private static final Set<String> KEYS = Set.of("name", "description", "unit", "type", "event_types", "source", "field", "numerator", "denominator");

    private MetricDefinitions() {
    }

    public static List<MetricDefinition> builtIns() {
        return List.of(
                count("events_total", "Accepted events.", "events", List.of()),
                new MetricDefinition("rejected_total", "Rejected events, counted at their receive time.", "events", Aggregation.COUNT,
                        List.of(), true, Optional.empty(), Optional.empty(), List.of()),
                ratio("error_rate", "Rejected / (accepted + rejected).", "rejected_total", List.of("events_total", "rejected_total")),
                count("order_count", "order.created events.", "orders", List.of("order.created")),
                field("revenue", "Sum of data.total_amount over order.created.", "currency", Aggregation.SUM, List.of("order.created"), "total_amount"),
                new MetricDefinition("avg_order_value", "revenue / order_count.", "currency", Aggregation.RATIO, List.of(), false,
                        Optional.empty(), Optional.of("revenue"), List.of("order_count")),
                count("payments_completed", "payment.completed events.", "payments", List.of("payment.completed")),
                count("payments_failed", "payment.failed events.", "payments", List.of("payment.failed")),
                ratio("payment_failure_rate", "payment.failed / (payment.completed + payment.failed).", "payments_failed",
                        List.of("payments_completed", "payments_failed")),
                field("active_sessions", "Distinct data.session_id over events that carry one.", "sessions", Aggregation.COUNT_DISTINCT, List.of(), "session_id"),
                field("converted_sessions", "Distinct data.session_id over order.created events.", "sessions", Aggregation.COUNT_DISTINCT,
                        List.of("order.created"), "session_id"),
                ratio("conversion_rate", "Sessions with an order.created / active_sessions.", "converted_sessions", List.of("active_sessions")));
    }

    private static MetricDefinition count(String name, String description, String unit, List<String> types) {
        return new MetricDefinition(name, description, unit, Aggregation.COUNT, types, false, Optional.empty(), Optional.empty(), List.of());
    }

    private static MetricDefinition field(String name, String description, String unit, Aggregation aggregation, List<String> types, String field) {
        return new MetricDefinition(name, description, unit, aggregation, types, false, Optional.of(field), Optional.empty(), List.of());
    }

    private static MetricDefinition ratio(String name, String description, String numerator, List<String> denominator) {
        return new MetricDefinition(name, description, "ratio", Aggregation.RATIO, List.of(), false, Optional.empty(), Optional.of(numerator), denominator);
    }

    /** Built-ins plus the file's metrics (a file metric may replace a built-in of the same name). */
    public static MetricCatalog load(Optional<Path> file) {
        Map<String, MetricDefinition> all = new LinkedHashMap<>();
        for (MetricDefinition d : builtIns()) all.put(d.name(), d);
        Map<String, String> places = new HashMap<>();
        if (file.isPresent()) {
            for (Placed p : parse(file.get())) {
                all.put(p.definition().name(), p.definition());
                places.put(p.definition().name(), p.place());
            }
        }
        validateReferences(all, places);
        return new MetricCatalog(all.values());
    }

    /** A metric of the file and where it is written ("metrics file m.yaml, line 4"), for messages about it. */
    record Placed(MetricDefinition definition, String place) {
    }

    static List<Placed> parse(Path file) {
        List<Placed> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (MetricsFile.Entry entry : MetricsFile.read(file)) {
            String place = "metrics file " + file + ", line " + entry.line();
            MetricDefinition d;
            try {
                d = definition(entry.node(), index++);
            } catch (MetricDefinitionException e) {
                throw new MetricDefinitionException(place + ": " + e.getMessage());
            }
            if (!seen.add(d.name())) throw new MetricDefinitionException(place + ": metric '" + d.name() + "': defined twice");
            out.add(new Placed(d, place));
        }
        return out;
    }

    private static MetricDefinition definition(JsonNode node, int index) {
        if (!node.isObject()) throw new MetricDefinitionException("metric #" + (index + 1) + ": expected a mapping");
        String name = text(node, "name", "metric #" + (index + 1)).orElse("");
        if (!NAME.matcher(name).matches()) {
            throw new MetricDefinitionException("metric #" + (index + 1) + ": field 'name' " + NAME_RULE + " (got '" + name + "')");
        }
        String metric = "metric '" + name + "'";
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) throw new MetricDefinitionException("metric '" + name + "': unknown field '" + key + "'");
        }
        Aggregation aggregation;
        try {
            aggregation = Aggregation.parse(text(node, "type", metric).orElse(""));
        } catch (IllegalArgumentException e) {
            throw new MetricDefinitionException("metric '" + name + "': field 'type' must be one of count, sum, avg, min, max, count_distinct, ratio");
        }
        String source = text(node, "source", metric).orElse("events");
        if (!source.equals("events") && !source.equals("rejected")) {
            throw new MetricDefinitionException("metric '" + name + "': field 'source' must be events or rejected");
        }
        List<String> types = strings(node.get("event_types"), name, "event_types");
        if (node.has("event_types") && types.isEmpty()) {
            // As for webhook filters: an empty list could mean "every type" or "none", so neither is guessed.
            throw new MetricDefinitionException("metric '" + name + "': field 'event_types' is empty; leave it out to count every event type");
        }
        if (source.equals("rejected")) rejectedOnly(node, name, aggregation);
        for (String t : types) {
            if (!EventValidator.EVENT_TYPE.matcher(t).matches()) {
                throw new MetricDefinitionException("metric '" + name + "': field 'event_types' has '" + t + "', not an event type or dotted prefix");
            }
        }
        Optional<String> field = text(node, "field", metric);
        if (aggregation.needsField()) {
            if (field.isEmpty()) {
                throw new MetricDefinitionException("metric '" + name + "': field 'field' (a path inside data, such as total_amount) is required for " + aggregation.name().toLowerCase());
            }
            if (!FIELD.matcher(field.get()).matches()) {
                throw new MetricDefinitionException("metric '" + name + "': field 'field' must be a path inside data of names joined by dots,"
                        + " such as total_amount or cart.items (got '" + field.get() + "')");
            }
        } else if (field.isPresent()) {
            throw new MetricDefinitionException("metric '" + name + "': field 'field' does not apply to " + aggregation.name().toLowerCase());
        }
        Optional<String> numerator = text(node, "numerator", metric);
        List<String> denominator = node.has("denominator") && node.get("denominator").isTextual()
                ? List.of(node.get("denominator").asText()) : strings(node.get("denominator"), name, "denominator");
        if (aggregation == Aggregation.RATIO) {
            if (numerator.isEmpty()) throw new MetricDefinitionException("metric '" + name + "': field 'numerator' is required for ratio");
            if (denominator.isEmpty()) throw new MetricDefinitionException("metric '" + name + "': field 'denominator' is required for ratio");
            if (!types.isEmpty()) throw new MetricDefinitionException("metric '" + name + "': field 'event_types' does not apply to ratio (its parts name theirs)");
        } else if (numerator.isPresent() || !denominator.isEmpty()) {
            throw new MetricDefinitionException("metric '" + name + "': fields 'numerator' and 'denominator' apply only to ratio");
        }
        String description = text(node, "description", metric).orElse("");
        String unit = text(node, "unit", metric).orElse(aggregation == Aggregation.RATIO ? "ratio" : "count");
        return new MetricDefinition(name, description, unit, aggregation, types, source.equals("rejected"), field, numerator, denominator);
    }

    /**
     * A rejected event was refused before its type or data counted for anything: only a plain count of
     * them means something. Event types would be ignored and a field would always read 0, so both are refused.
     */
    private static void rejectedOnly(JsonNode node, String name, Aggregation aggregation) {
        if (aggregation != Aggregation.COUNT) {
            throw new MetricDefinitionException("metric '" + name + "': source rejected counts rejected events; type must be count (got "
                    + aggregation.name().toLowerCase() + ")");
        }
        if (node.has("event_types")) {
            throw new MetricDefinitionException("metric '" + name + "': field 'event_types' does not apply to source rejected (rejected events are counted whatever their type)");
        }
    }

    private static List<String> strings(JsonNode node, String metric, String field) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new MetricDefinitionException("metric '" + metric + "': field '" + field + "' must be a list");
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) out.add(textValue(item, "metric '" + metric + "': field '" + field + "': each item"));
        return out;
    }

    /**
     * A field that holds text, or empty when it is absent or null. YAML reads an unquoted 1.50 as the
     * number 1.5, yes as true and 0x10 as 16, so such a value is refused rather than kept as other text
     * than was written.
     */
    private static Optional<String> text(JsonNode node, String key, String subject) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) return Optional.empty();
        return Optional.of(textValue(value, subject + ": field '" + key + "'"));
    }

    private static String textValue(JsonNode value, String subject) {
        if (value.isTextual()) return value.textValue();
        String read = value.isContainerNode() ? (value.isArray() ? "a list" : "a mapping")
                : value.isBoolean() ? value.asText() : value.isNumber() ? "the number " + value.asText() : value.getNodeType().name().toLowerCase();
        throw new MetricDefinitionException(subject + " must be text; YAML read it as " + read + ", so write it in quotes");
    }

    private static void validateReferences(Map<String, MetricDefinition> all, Map<String, String> places) {
        for (MetricDefinition d : all.values()) {
            if (!d.isRatio()) continue;
            List<String> parts = new ArrayList<>(d.denominator());
            parts.add(d.numerator().orElseThrow());
            for (String part : parts) {
                MetricDefinition ref = all.get(part);
                String field = part.equals(d.numerator().get()) ? "numerator" : "denominator";
                String place = places.getOrDefault(d.name(), "built-in metrics") + ": ";
                if (ref == null) throw new MetricDefinitionException(place + "metric '" + d.name() + "': field '" + field + "' names unknown metric '" + part + "'");
                if (ref.isRatio()) {
                    throw new MetricDefinitionException(place + "metric '" + d.name() + "': field '" + field + "' names ratio '" + part + "'; a ratio's parts must be base metrics"
                            + (places.containsKey(part) ? " (the metrics file defines '" + part + "' as a ratio)" : ""));
                }
            }
        }
    }
}
