package dev.eventwire.store.duckdb;

import dev.eventwire.ingest.PlannedDelivery;
import dev.eventwire.support.Ids;
import java.util.List;

/**
 * The deliveries one event owes, as the event log records them: the set of webhooks it matched (a row
 * of {@code fan_out_sets}, shared by events that matched the same webhooks), the message id of its first
 * delivery (the others are its {@link Ids#sibling siblings} in delivery order) and per delivery a flag —
 * {@code i} taken by the engine in memory, {@code e} queued behind its entity, {@code -} neither — given
 * once when all are the same. A few dozen bytes however many webhooks the event matched, so a wide
 * fan-out adds little to the event log.
 */
record FanOutRecord(long setId, String firstMessageId, String flags) {
    static final char INLINE = 'i';
    static final char ENTITY = 'e';
    static final char NEITHER = '-';

    /** The record of one event's planned deliveries, in order, whose webhooks are set {@code setId}. */
    static FanOutRecord of(long setId, List<PlannedDelivery> deliveries) {
        String first = deliveries.getFirst().messageId();
        StringBuilder flags = new StringBuilder(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            PlannedDelivery d = deliveries.get(i);
            if (!d.messageId().equals(Ids.sibling(first, i))) throw new IllegalStateException("message ids of one event must be siblings in order");
            flags.append(d.inline() ? INLINE : d.entityKey().isPresent() ? ENTITY : NEITHER);
        }
        boolean same = flags.chars().allMatch(c -> c == flags.charAt(0));
        return new FanOutRecord(setId, first, same ? flags.substring(0, 1) : flags.toString());
    }

    /** The webhooks of an event's planned deliveries, as {@code fan_out_sets} stores them. */
    static String webhooks(List<PlannedDelivery> deliveries) {
        StringBuilder ids = new StringBuilder(deliveries.size() * 30);
        for (PlannedDelivery d : deliveries) {
            if (d.webhookId().indexOf(',') >= 0) throw new IllegalArgumentException("not a generated webhook id: " + d.webhookId());
            if (!ids.isEmpty()) ids.append(',');
            ids.append(d.webhookId());
        }
        return ids.toString();
    }

    static FanOutRecord parse(String text) {
        String[] parts = text.split(" ", 3);
        return new FanOutRecord(Long.parseLong(parts[0]), parts[1], parts[2]);
    }

    String text() {
        return setId + " " + firstMessageId + " " + flags;
    }

    char flag(int delivery) {
        return flags.length() == 1 ? flags.charAt(0) : flags.charAt(delivery);
    }

    String messageId(int delivery) {
        return Ids.sibling(firstMessageId, delivery);
    }
}
