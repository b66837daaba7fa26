package dev.eventwire.metrics;

import dev.eventwire.webhooks.WebhookFilters;
import java.util.List;
import java.util.Optional;

/**
 * One metric, declared. A base metric folds the accepted events whose type matches one of
 * {@code eventTypes} by dotted prefix (all events when empty), or the rejected events when
 * {@code countsRejected}. A ratio divides {@code numerator} by the sum of {@code denominator}.
 * {@code field} is a dotted path inside {@code data}.
 */
public record MetricDefinition(String name, String description, String unit, Aggregation aggregation, List<String> eventTypes,
                               boolean countsRejected, Optional<String> field, Optional<String> numerator, List<String> denominator) {

    public MetricDefinition {
        eventTypes = List.copyOf(eventTypes);
        denominator = List.copyOf(denominator);
    }

    public boolean isRatio() {
        return aggregation == Aggregation.RATIO;
    }

    public boolean matchesType(String eventType) {
        if (countsRejected) return false;
        if (eventTypes.isEmpty()) return true;
        for (String prefix : eventTypes) {
            if (WebhookFilters.typeMatches(prefix, eventType)) return true;
        }
        return false;
    }
}
