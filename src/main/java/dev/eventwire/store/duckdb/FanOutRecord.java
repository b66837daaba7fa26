package dev.eventwire.store.duckdb;

import dev.eventwire.ingest.PlannedDelivery;
import java.util.List;

/**
 * The deliveries one event owes, as the event log records them: per delivery, in numbering order, the
 * webhook id, the message id and a flag ("i" taken by the engine in memory, "e" queued behind its entity,
 * "-" neither), separated by spaces; entries separated by commas. Ids are generated and hold neither; the
 * delivery writer splits the record inside DuckDB.
 */
final class FanOutRecord {
    private FanOutRecord() {
    }

    static String of(List<PlannedDelivery> deliveries) {
        StringBuilder record = new StringBuilder(deliveries.size() * 64);
        for (PlannedDelivery d : deliveries) {
            if (!record.isEmpty()) record.append(',');
            record.append(requireId(d.webhookId())).append(' ').append(requireId(d.messageId())).append(' ')
                    .append(d.inline() ? "i" : d.entityKey().isPresent() ? "e" : "-");
        }
        return record.toString();
    }

    private static String requireId(String id) {
        if (id.isEmpty() || id.indexOf(' ') >= 0 || id.indexOf(',') >= 0) throw new IllegalArgumentException("not a generated id: " + id);
        return id;
    }
}
