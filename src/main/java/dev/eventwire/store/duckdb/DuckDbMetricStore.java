package dev.eventwire.store.duckdb;

import dev.eventwire.events.NewEvent;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.metrics.Aggregate;
import dev.eventwire.metrics.MetricCatalog;
import dev.eventwire.metrics.MetricDefinition;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.support.Awaits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Metric rollups in DuckDB. The ingest transaction only appends each event's contribution (a point) —
 * cheap, and a metric read after an ingest answer always sees it. A rollup worker folds points into
 * per-minute buckets and distinct sets on its own writer, moving a watermark in the same transaction.
 * A read adds up whole-minute buckets, the points newer than the watermark, and the exact points of the
 * two partial minutes at the window's edges: O(minutes in the window), not O(events).
 */
public final class DuckDbMetricStore implements MetricStore {
    static final long MINUTE_US = 60_000_000L;
    private static final int SCALE = 9;

    /** At most this many points are folded per rollup transaction, to keep it short. */
    private static final long ROLLUP_BATCH = 200_000;

    private final DuckDbDatabase database;
    private final GroupCommitWriter rollupWriter;
    private final MetricCatalog catalog;
    private long nextPointSeq;

    public DuckDbMetricStore(DuckDbDatabase database, GroupCommitWriter ingestWriter, GroupCommitWriter rollupWriter, MetricCatalog catalog) {
        this.database = database;
        this.rollupWriter = rollupWriter;
        this.catalog = catalog;
        nextPointSeq = ingestWriter.runNow(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) + 1 FROM metric_points")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Called inside the ingest transaction (ingest writer thread) with what it accepted and rejected. */
    void write(Connection connection, List<NewEvent> accepted, List<RejectedEvent> rejected) throws SQLException {
        List<MetricPoint> points = new ArrayList<>();
        for (NewEvent e : accepted) points.addAll(catalog.pointsOf(e));
        for (RejectedEvent r : rejected) points.addAll(catalog.pointsOf(r));
        if (points.isEmpty()) return;
        try (DuckDBAppender ap = ((DuckDBConnection) connection).createAppender("main", "metric_points")) {
            for (MetricPoint p : points) {
                ap.beginRow().append(nextPointSeq++).append(p.tenant()).append(p.metric()).append(p.occurredMicros());
                appendDecimal(ap, p.value().orElse(null));
                if (p.distinctValue().isPresent()) ap.append(p.distinctValue().get());
                else ap.appendNull();
                ap.endRow();
            }
        }
    }

    @Override
    public long rollUp() {
        return Awaits.await(rollupWriter.submit(c -> {
            long from;
            long to;
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT rolled_up_seq FROM metric_rollup WHERE id = 1")) {
                    rs.next();
                    from = rs.getLong(1);
                }
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM metric_points WHERE seq > " + from)) {
                    rs.next();
                    to = Math.min(rs.getLong(1), from + ROLLUP_BATCH);
                }
                if (to <= from) return 0L;
                String range = " FROM metric_points WHERE seq > " + from + " AND seq <= " + to;
                st.executeUpdate("INSERT INTO metric_buckets SELECT tenant, metric, occurred_us // " + MINUTE_US
                        + " AS minute, count(*), sum(value), min(value), max(value)" + range + " GROUP BY ALL " + """
                        ON CONFLICT (tenant, metric, minute) DO UPDATE SET
                            n = metric_buckets.n + excluded.n,
                            total = CASE WHEN metric_buckets.total IS NULL THEN excluded.total WHEN excluded.total IS NULL THEN metric_buckets.total
                                         ELSE metric_buckets.total + excluded.total END,
                            lo = CASE WHEN metric_buckets.lo IS NULL THEN excluded.lo WHEN excluded.lo IS NULL THEN metric_buckets.lo
                                      ELSE least(metric_buckets.lo, excluded.lo) END,
                            hi = CASE WHEN metric_buckets.hi IS NULL THEN excluded.hi WHEN excluded.hi IS NULL THEN metric_buckets.hi
                                      ELSE greatest(metric_buckets.hi, excluded.hi) END""");
                st.executeUpdate("INSERT INTO metric_distinct SELECT DISTINCT tenant, metric, occurred_us // " + MINUTE_US + ", distinct_value"
                        + range + " AND distinct_value IS NOT NULL ON CONFLICT DO NOTHING");
                st.executeUpdate("UPDATE metric_rollup SET rolled_up_seq = " + to + " WHERE id = 1");
                return to - from;
            }
        }));
    }

    private static void appendDecimal(DuckDBAppender ap, BigDecimal value) throws SQLException {
        if (value == null) ap.appendNull();
        else ap.append(value.setScale(SCALE, RoundingMode.HALF_EVEN));
    }

    @Override
    public Aggregate aggregate(String tenant, MetricDefinition base, long from, long to) {
        long firstFull = Math.floorDiv(from + 1 + MINUTE_US - 1, MINUTE_US);
        long lastFull = Math.floorDiv(to + 1, MINUTE_US) - 1;
        // Edges: (from, firstFull*MIN) and [(lastFull+1)*MIN, to]; whole minutes come from the buckets.
        long leftEnd = Math.min(firstFull * MINUTE_US - 1, to);
        long rightStart = Math.max((lastFull + 1) * MINUTE_US, from + 1);
        boolean anyFull = firstFull <= lastFull;
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH watermark AS (SELECT rolled_up_seq AS s FROM metric_rollup WHERE id = 1),
                    loose AS (
                        SELECT value, distinct_value FROM metric_points
                        WHERE tenant = ? AND metric = ? AND occurred_us > ? AND occurred_us <= ?
                        UNION ALL
                        SELECT value, distinct_value FROM metric_points
                        WHERE ? AND tenant = ? AND metric = ? AND occurred_us >= ? AND occurred_us <= ?
                        UNION ALL
                        SELECT value, distinct_value FROM metric_points
                        WHERE ? AND seq > (SELECT s FROM watermark) AND tenant = ? AND metric = ? AND occurred_us >= ? AND occurred_us < ?
                    ), full_minutes AS (
                        SELECT n, total, lo, hi FROM metric_buckets WHERE ? AND tenant = ? AND metric = ? AND minute BETWEEN ? AND ?
                    )
                    SELECT
                        (SELECT coalesce(sum(n), 0) FROM full_minutes) + (SELECT count(*) FROM loose),
                        (SELECT coalesce(sum(total), 0) FROM full_minutes) + (SELECT coalesce(sum(value), 0) FROM loose),
                        (SELECT min(m) FROM (SELECT min(lo) AS m FROM full_minutes UNION ALL SELECT min(value) FROM loose)),
                        (SELECT max(m) FROM (SELECT max(hi) AS m FROM full_minutes UNION ALL SELECT max(value) FROM loose)),
                        (SELECT count(DISTINCT v) FROM (
                            SELECT value AS v FROM metric_distinct WHERE ? AND tenant = ? AND metric = ? AND minute BETWEEN ? AND ?
                            UNION ALL SELECT distinct_value FROM loose WHERE distinct_value IS NOT NULL))""")) {
                int i = 1;
                // the left edge (or the whole window when it holds no whole minute)
                ps.setString(i++, tenant);
                ps.setString(i++, base.name());
                ps.setLong(i++, from);
                ps.setLong(i++, anyFull ? leftEnd : to);
                // the right edge
                ps.setBoolean(i++, anyFull);
                ps.setString(i++, tenant);
                ps.setString(i++, base.name());
                ps.setLong(i++, rightStart);
                ps.setLong(i++, to);
                // whole minutes not rolled up yet
                ps.setBoolean(i++, anyFull);
                ps.setString(i++, tenant);
                ps.setString(i++, base.name());
                ps.setLong(i++, firstFull * MINUTE_US);
                ps.setLong(i++, (lastFull + 1) * MINUTE_US);
                // whole minutes from the buckets, then from the distinct sets
                for (int k = 0; k < 2; k++) {
                    ps.setBoolean(i++, anyFull);
                    ps.setString(i++, tenant);
                    ps.setString(i++, base.name());
                    ps.setLong(i++, firstFull);
                    ps.setLong(i++, lastFull);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Aggregate(rs.getLong(1), rs.getBigDecimal(2), Optional.ofNullable(rs.getBigDecimal(3)),
                            Optional.ofNullable(rs.getBigDecimal(4)), rs.getLong(5));
                }
            }
        });
    }
}
