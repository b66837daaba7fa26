package dev.eventwire.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.RejectedEvent;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The metrics this server serves, and what each accepted or rejected event contributes to them. */
public final class MetricCatalog implements dev.eventwire.events.EventCheck {
    private final Map<String, MetricDefinition> byName;
    private final List<MetricDefinition> ordered;
    private final List<MetricDefinition> base;

    public MetricCatalog(Collection<MetricDefinition> definitions) {
        Map<String, MetricDefinition> map = new LinkedHashMap<>();
        for (MetricDefinition d : definitions) map.put(d.name(), d);
        this.byName = Map.copyOf(map);
        this.ordered = List.copyOf(definitions);
        this.base = definitions.stream().filter(d -> !d.isRatio()).toList();
    }

    public List<MetricDefinition> all() {
        return ordered;
    }

    public Optional<MetricDefinition> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The base metrics a ratio is made of (itself for a base metric). */
    public List<MetricDefinition> components(MetricDefinition d) {
        if (!d.isRatio()) return List.of(d);
        List<MetricDefinition> out = new ArrayList<>();
        out.add(byName.get(d.numerator().orElseThrow()));
        for (String name : d.denominator()) out.add(byName.get(name));
        return out;
    }

    /** The event-type prefixes that move a metric (for ratios: those of its parts); "rejected" for rejected events. */
    public List<String> sourceEventTypes(MetricDefinition d) {
        Set<String> out = new LinkedHashSet<>();
        for (MetricDefinition c : components(d)) {
            if (c.countsRejected()) out.add("(rejected events)");
            else if (c.eventTypes().isEmpty()) out.add("*");
            else out.addAll(c.eventTypes());
        }
        return List.copyOf(out);
    }

    /** Whether an event of this type (or a rejected event, when {@code rejected}) can change the metric. */
    public boolean movedBy(MetricDefinition d, String eventType, boolean rejected) {
        for (MetricDefinition c : components(d)) {
            if (rejected ? c.countsRejected() : c.matchesType(eventType)) return true;
        }
        return false;
    }

    /**
     * The range a metric field's value must lie in: at most 10^15 either way, so sums of a tenant's
     * values over any window fit the rollups' 29 integer digits with room to spare. A value outside it
     * would poison every sum it joins, so the event is refused (422) instead.
     */
    public static final java.math.BigDecimal MAX_FIELD_VALUE = new java.math.BigDecimal("1e15");

    @Override
    public Optional<dev.eventwire.support.ErrorDetail> check(NewEvent event) {
        for (MetricDefinition d : base) {
            if (!d.matchesType(event.eventType()) || !d.aggregation().needsField() || d.aggregation() == Aggregation.COUNT_DISTINCT) continue;
            JsonNode value = at(event.data(), d.field().orElseThrow());
            if (value != null && !value.isNull() && !value.isNumber()) {
                // Left out of the sum while the event still counted, "30.00" made revenue and averages quietly wrong.
                String field = "data." + d.field().get();
                return Optional.of(new dev.eventwire.support.ErrorDetail("invalid_type",
                        field + " feeds the metric " + d.name() + " and must be a number (or left out), not " + kind(value) + ".", field));
            }
            if (value != null && value.isNumber() && value.decimalValue().abs().compareTo(MAX_FIELD_VALUE) > 0) {
                String field = "data." + d.field().get();
                return Optional.of(new dev.eventwire.support.ErrorDetail("number_out_of_range",
                        field + " feeds the metric " + d.name() + " and must be between -1e15 and 1e15.", field));
            }
        }
        return Optional.empty();
    }

    private static String kind(JsonNode value) {
        if (value.isTextual()) return "a string";
        if (value.isBoolean()) return "true or false";
        if (value.isArray()) return "a list";
        return "an object";
    }

    public List<MetricPoint> pointsOf(NewEvent event) {
        List<MetricPoint> points = new ArrayList<>();
        long occurred = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, event.occurredAt());
        for (MetricDefinition d : base) {
            if (!d.matchesType(event.eventType())) continue;
            if (!d.aggregation().needsField()) {
                points.add(new MetricPoint(event.tenant(), d.name(), occurred, Optional.empty(), Optional.empty()));
                continue;
            }
            JsonNode value = at(event.data(), d.field().orElseThrow());
            if (value == null || value.isNull()) continue;
            if (d.aggregation() == Aggregation.COUNT_DISTINCT) {
                if (value.isValueNode()) points.add(new MetricPoint(event.tenant(), d.name(), occurred, Optional.empty(), Optional.of(DistinctKeys.of(DistinctKeys.textOf(value)))));
            } else if (value.isNumber()) {
                points.add(new MetricPoint(event.tenant(), d.name(), occurred, Optional.of(value.decimalValue()), Optional.empty()));
            }
        }
        return points;
    }

    public List<MetricPoint> pointsOf(RejectedEvent rejected) {
        long received = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, rejected.receivedAt());
        List<MetricPoint> points = new ArrayList<>();
        for (MetricDefinition d : base) {
            if (d.countsRejected()) points.add(new MetricPoint(rejected.tenant(), d.name(), received, Optional.empty(), Optional.empty()));
        }
        return points;
    }

    static JsonNode at(JsonNode data, String dottedPath) {
        JsonNode node = data;
        for (String part : dottedPath.split("\\.")) {
            if (node == null || !node.isObject()) return null;
            node = node.get(part);
        }
        return node;
    }
}
