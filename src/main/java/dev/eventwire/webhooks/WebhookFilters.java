package dev.eventwire.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.events.NewEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Which events a webhook receives. Every filter given must match; none given matches every
 * event of the tenant.
 */
public record WebhookFilters(List<String> eventTypes, List<String> entityIds, Optional<BigDecimal> minAmount) {
    static final List<String> ENTITY_FIELDS = List.of("order_id", "user_id", "product_id", "session_id");

    /** Each list keeps one of each entry, in the order first given: a repeat matches nothing more. */
    public WebhookFilters {
        eventTypes = List.copyOf(new java.util.LinkedHashSet<>(eventTypes));
        entityIds = List.copyOf(new java.util.LinkedHashSet<>(entityIds));
    }

    public static final WebhookFilters NONE = new WebhookFilters(List.of(), List.of(), Optional.empty());

    public boolean matches(NewEvent event) {
        return matchesType(event.eventType()) && matchesEntity(event) && matchesAmount(event.data());
    }

    /** Eventwire's own events ({@code eventwire.*}) go only to webhooks that ask for them by type, never to catch-all ones. */
    static final String OWN_EVENTS = "eventwire";

    /** {@code order} matches {@code order} and {@code order.created}, not {@code orders.x}. */
    public static boolean typeMatches(String prefix, String eventType) {
        return eventType.equals(prefix) || (eventType.startsWith(prefix) && eventType.charAt(prefix.length()) == '.');
    }

    private boolean matchesType(String eventType) {
        if (typeMatches(OWN_EVENTS, eventType)) return eventTypes.stream().anyMatch(prefix -> typeMatches(prefix, eventType));
        if (eventTypes.isEmpty()) return true;
        for (String prefix : eventTypes) {
            if (typeMatches(prefix, eventType)) return true;
        }
        return false;
    }

    private boolean matchesEntity(NewEvent event) {
        if (entityIds.isEmpty()) return true;
        if (event.entityId().isPresent() && entityIds.contains(event.entityId().get())) return true;
        for (String field : ENTITY_FIELDS) {
            JsonNode value = event.data().get(field);
            if (value != null && value.isValueNode() && !value.isNull() && entityIds.contains(value.asText())) return true;
        }
        return false;
    }

    private boolean matchesAmount(JsonNode data) {
        if (minAmount.isEmpty()) return true;
        JsonNode amount = data.get("total_amount");
        if (amount == null || !amount.isNumber()) amount = data.get("amount");
        return amount != null && amount.isNumber() && amount.decimalValue().compareTo(minAmount.get()) >= 0;
    }
}
