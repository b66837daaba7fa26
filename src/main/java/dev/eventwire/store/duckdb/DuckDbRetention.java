package dev.eventwire.store.duckdb;

import dev.eventwire.retention.Retained;
import dev.eventwire.retention.RetentionStore;
import dev.eventwire.store.Micros;
import dev.eventwire.store.SqlRetention;
import dev.eventwire.support.Awaits;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention on DuckDB: the shared SQL steps, run on the rollup writer so ingest and outcomes never wait
 * behind one; removed events also leave the in-memory id index once their removal has committed.
 */
final class DuckDbRetention implements RetentionStore {
    private final SqlRetention sql;
    private final SqlRetention inDeliveryFile;
    private final GroupCommitWriter writer;
    private final EventIdIndex eventIds;
    /** Held while a backup is written: events are not removed meanwhile ({@link DuckDbSnapshots}). */
    private final java.util.concurrent.locks.Lock eventRemoval;

    private record Removed(EventIdIndex.Fingerprint fingerprint, long seq) {
    }

    /** {@code sql}: steps on the event log file; {@code inDeliveryFile}: steps on the delivery file. */
    DuckDbRetention(SqlRetention sql, SqlRetention inDeliveryFile, GroupCommitWriter writer, EventIdIndex eventIds,
                    java.util.concurrent.locks.Lock eventRemoval) {
        this.eventRemoval = eventRemoval;
        this.sql = sql;
        this.inDeliveryFile = inDeliveryFile;
        this.writer = writer;
        this.eventIds = eventIds;
    }

    @Override
    public int prune(Retained what, Instant before, int maxRows) {
        switch (what) {
            case FINISHED_DELIVERIES, DELIVERY_ATTEMPTS -> {
                return inDeliveryFile.prune(what, before, maxRows);
            }
            case REJECTED_EVENTS, METRIC_POINTS -> {
                return sql.prune(what, before, maxRows);
            }
            case EVENTS -> {
            }
        }
        eventRemoval.lock();
        try {
            return removeEvents(before, maxRows);
        } finally {
            eventRemoval.unlock();
        }
    }

    private int removeEvents(Instant before, int maxRows) {
        List<Removed> removed = Awaits.await(writer.submit(c -> {
            List<Removed> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.statement(Retained.EVENTS) + " RETURNING tenant, event_id, seq")) {
                ps.setLong(1, Micros.of(before));
                ps.setInt(2, maxRows);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new Removed(EventIdIndex.Fingerprint.of(rs.getString(1), rs.getString(2)), rs.getLong(3)));
                }
            }
            return rows;
        }, rows -> rows.forEach(r -> eventIds.remove(r.fingerprint(), r.seq()))));
        return removed.size();
    }
}
