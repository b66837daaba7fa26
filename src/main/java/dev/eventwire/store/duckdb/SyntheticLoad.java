package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlLiterals;
import java.sql.Statement;

/**
 * Bulk rows for benchmarks, generated inside DuckDB: finished deliveries (history a store accumulates
 * over months) and pending ones with their events (a backlog). Never used by the server itself.
 */
public final class SyntheticLoad {
    private final GroupCommitWriter writer;

    public SyntheticLoad(GroupCommitWriter writer) {
        this.writer = writer;
    }

    /** {@code rows} delivered deliveries of a past webhook, each with one attempt-log row. */
    public void finishedDeliveries(long rows, long seqFrom) {
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO delivery_history SELECT 'wh_past', 'old-' || i, 'past', 'msg_old' || i, 'order.created', 'delivered', 1, 0, false, "
                        + "NULL, NULL, 200, NULL, i, i, " + seqFrom + " + i, i, NULL FROM range(" + rows + ") t(i)");
                st.execute("INSERT INTO delivery_attempts SELECT 'att_old' || i, " + seqFrom + " + i, 'past', 'wh_past', 'old-' || i, 'msg_old' || i, 1, "
                        + "'inline', 200, true, NULL, 1, '', i FROM range(" + rows + ") t(i)");
                st.execute("CHECKPOINT " + DuckDbDatabase.DELIVERY_CATALOG);
            }
            return null;
        });
    }

    /** {@code rows} events of {@code tenant} and one pending, unleased delivery each to {@code webhookId}, due at {@code dueMicros}. */
    public void backlog(String tenant, String webhookId, long rows, long seqFrom, long dueMicros) {
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                String body = "'{\"event_id\":\"bl-' || i || '\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"2026-11-29T00:00:00Z\",\"data\":{\"total_amount\":12.5}}'";
                st.execute("INSERT INTO events SELECT " + seqFrom + " + i, " + SqlLiterals.string(tenant) + ", 'bl-' || i, 'order.created', NULL, "
                        + dueMicros + ", " + dueMicros + ", " + body + ", NULL, NULL FROM range(" + rows + ") t(i)");
                st.execute("INSERT INTO delivery_queue SELECT " + SqlLiterals.string(webhookId) + ", 'bl-' || i, " + SqlLiterals.string(tenant)
                        + ", 'msg_bl' || i, 'order.created', 'pending', 0, 0, false, " + dueMicros + ", NULL, NULL, NULL, " + dueMicros + ", "
                        + dueMicros + ", " + seqFrom + " + i, " + seqFrom + " + i, NULL FROM range(" + rows + ") t(i)");
                st.execute("CHECKPOINT " + DuckDbDatabase.CATALOG);
                st.execute("CHECKPOINT " + DuckDbDatabase.DELIVERY_CATALOG);
            }
            return null;
        });
    }
}
