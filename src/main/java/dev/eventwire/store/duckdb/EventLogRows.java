package dev.eventwire.store.duckdb;

import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Writes journaled groups into the event log file: one appender per table for all of them, and the journal cursor. */
final class EventLogRows {
    private EventLogRows() {
    }

    /** Runs in an open transaction on the event log file; {@code groups} in journal order. */
    static void write(Connection connection, List<JournaledGroup> groups) throws SQLException {
        DuckDBConnection c = (DuckDBConnection) connection;
        if (groups.stream().anyMatch(g -> !g.sets().isEmpty())) {
            try (DuckDBAppender ap = c.createAppender(DuckDbDatabase.CATALOG, "main", "fan_out_sets")) {
                for (JournaledGroup g : groups) for (JournaledGroup.SetRow s : g.sets()) ap.beginRow().append(s.id()).append(s.webhooks()).endRow();
            }
        }
        if (groups.stream().anyMatch(g -> !g.events().isEmpty())) {
            try (DuckDBAppender ap = c.createAppender(DuckDbDatabase.CATALOG, "main", "events")) {
                for (JournaledGroup g : groups) for (JournaledGroup.EventRow e : g.events()) event(ap, e);
            }
        }
        if (groups.stream().anyMatch(g -> !g.rejected().isEmpty())) {
            try (DuckDBAppender ap = c.createAppender(DuckDbDatabase.CATALOG, "main", "rejected_events")) {
                for (JournaledGroup g : groups) {
                    for (JournaledGroup.RejectedRow r : g.rejected()) {
                        ap.beginRow().append(r.seq()).append(r.tenant()).append(r.receivedMicros()).append(r.code()).append(r.message());
                        nullable(ap, r.field());
                        ap.append(r.body()).endRow();
                    }
                }
            }
        }
        if (groups.stream().anyMatch(g -> !g.points().isEmpty())) {
            try (DuckDBAppender ap = c.createAppender(DuckDbDatabase.CATALOG, "main", "metric_points")) {
                for (JournaledGroup g : groups) {
                    for (JournaledGroup.PointRow p : g.points()) {
                        ap.beginRow().append(p.seq()).append(p.tenant()).append(p.metric()).append(p.occurredMicros());
                        if (p.value() == null) ap.appendNull();
                        else ap.append(p.value().setScale(dev.eventwire.metrics.MetricPoint.SCALE, RoundingMode.HALF_EVEN));
                        nullable(ap, p.distinctValue());
                        ap.endRow();
                    }
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("UPDATE " + DuckDbDatabase.CATALOG + ".main.ingest_journal_cursor SET group_seq = " + groups.getLast().seq());
        }
    }

    private static void event(DuckDBAppender ap, JournaledGroup.EventRow e) throws SQLException {
        ap.beginRow().append(e.seq()).append(e.tenant()).append(e.eventId()).append(e.eventType());
        nullable(ap, e.entityId());
        ap.append(e.occurredMicros()).append(e.receivedMicros()).append(e.body());
        if (e.deliveriesFrom() == null) ap.appendNull().appendNull();
        else ap.append(e.deliveriesFrom().longValue()).append(e.fanOut());
        ap.endRow();
    }

    private static void nullable(DuckDBAppender ap, String value) throws SQLException {
        if (value == null) ap.appendNull();
        else ap.append(value);
    }
}
