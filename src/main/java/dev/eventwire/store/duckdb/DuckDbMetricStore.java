package dev.eventwire.store.duckdb;

import dev.eventwire.events.NewEvent;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.metrics.Aggregate;
import dev.eventwire.metrics.MetricCatalog;
import dev.eventwire.metrics.MetricDefinition;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.metrics.MetricStore;
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
 * Metric rollups in DuckDB. Written in the ingest transaction (so a metric read after an ingest answer
 * always sees it); read as whole-minute buckets plus the exact events of the two partial minutes at the
 * window's edges, so a read costs O(minutes in the window), not O(events).
 */
public final class DuckDbMetricStore implements MetricStore {
    static final long MINUTE_US = 60_000_000L;
    private static final int SCALE = 9;

    private final DuckDbDatabase database;
    private final MetricCatalog catalog;

    public DuckDbMetricStore(DuckDbDatabase database, GroupCommitWriter ingestWriter, MetricCatalog catalog) {
        this.database = database;
        this.catalog = catalog;
        ingestWriter.runNow(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS buckets_stage AS SELECT * FROM metric_buckets LIMIT 0");
                st.execute("CREATE TEMP TABLE IF NOT EXISTS distinct_stage AS SELECT * FROM metric_distinct LIMIT 0");
            }
            return null;
        });
    }

    private record BucketKey(String tenant, String metric, long minute) {
    }

    private static final class Bucket {
        long n;
        BigDecimal total;
        BigDecimal lo;
        BigDecimal hi;

        void add(MetricPoint p) {
            n++;
            if (p.value().isEmpty()) return;
            BigDecimal v = p.value().get();
            total = total == null ? v : total.add(v);
            lo = lo == null || v.compareTo(lo) < 0 ? v : lo;
            hi = hi == null || v.compareTo(hi) > 0 ? v : hi;
        }
    }

    /** Called inside the ingest transaction with what it accepted and rejected. */
    void write(Connection connection, List<NewEvent> accepted, List<RejectedEvent> rejected) throws SQLException {
        List<MetricPoint> points = new ArrayList<>();
        for (NewEvent e : accepted) points.addAll(catalog.pointsOf(e));
        for (RejectedEvent r : rejected) points.addAll(catalog.pointsOf(r));
        if (points.isEmpty()) return;
        Map<BucketKey, Bucket> buckets = new LinkedHashMap<>();
        Set<List<Object>> distinct = new LinkedHashSet<>();
        DuckDBConnection dc = (DuckDBConnection) connection;
        try (DuckDBAppender ap = dc.createAppender("main", "metric_points")) {
            for (MetricPoint p : points) {
                long minute = Math.floorDiv(p.occurredMicros(), MINUTE_US);
                buckets.computeIfAbsent(new BucketKey(p.tenant(), p.metric(), minute), k -> new Bucket()).add(p);
                p.distinctValue().ifPresent(v -> distinct.add(List.of(p.tenant(), p.metric(), minute, v)));
                ap.beginRow().append(p.tenant()).append(p.metric()).append(p.occurredMicros());
                appendDecimal(ap, p.value().orElse(null));
                if (p.distinctValue().isPresent()) ap.append(p.distinctValue().get());
                else ap.appendNull();
                ap.endRow();
            }
        }
        try (DuckDBAppender ap = dc.createAppender("temp", "main", "buckets_stage")) {
            for (Map.Entry<BucketKey, Bucket> e : buckets.entrySet()) {
                ap.beginRow().append(e.getKey().tenant()).append(e.getKey().metric()).append(e.getKey().minute()).append(e.getValue().n);
                appendDecimal(ap, e.getValue().total);
                appendDecimal(ap, e.getValue().lo);
                appendDecimal(ap, e.getValue().hi);
                ap.endRow();
            }
        }
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO metric_buckets SELECT * FROM buckets_stage
                    ON CONFLICT (tenant, metric, minute) DO UPDATE SET
                        n = metric_buckets.n + excluded.n,
                        total = CASE WHEN metric_buckets.total IS NULL THEN excluded.total WHEN excluded.total IS NULL THEN metric_buckets.total
                                     ELSE metric_buckets.total + excluded.total END,
                        lo = CASE WHEN metric_buckets.lo IS NULL THEN excluded.lo WHEN excluded.lo IS NULL THEN metric_buckets.lo
                                  ELSE least(metric_buckets.lo, excluded.lo) END,
                        hi = CASE WHEN metric_buckets.hi IS NULL THEN excluded.hi WHEN excluded.hi IS NULL THEN metric_buckets.hi
                                  ELSE greatest(metric_buckets.hi, excluded.hi) END""");
            st.execute("DELETE FROM buckets_stage");
        }
        if (!distinct.isEmpty()) {
            try (DuckDBAppender ap = dc.createAppender("temp", "main", "distinct_stage")) {
                for (List<Object> d : distinct) {
                    ap.beginRow().append((String) d.get(0)).append((String) d.get(1)).append((Long) d.get(2)).append((String) d.get(3)).endRow();
                }
            }
            try (Statement st = connection.createStatement()) {
                st.executeUpdate("INSERT INTO metric_distinct SELECT * FROM distinct_stage ON CONFLICT DO NOTHING");
                st.execute("DELETE FROM distinct_stage");
            }
        }
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
                    WITH edges AS (
                        SELECT value, distinct_value FROM metric_points
                        WHERE tenant = ? AND metric = ? AND occurred_us > ? AND occurred_us <= ?
                        UNION ALL
                        SELECT value, distinct_value FROM metric_points
                        WHERE ? AND tenant = ? AND metric = ? AND occurred_us >= ? AND occurred_us <= ?
                    ), full_minutes AS (
                        SELECT n, total, lo, hi FROM metric_buckets WHERE ? AND tenant = ? AND metric = ? AND minute BETWEEN ? AND ?
                    )
                    SELECT
                        (SELECT coalesce(sum(n), 0) FROM full_minutes) + (SELECT count(*) FROM edges),
                        (SELECT coalesce(sum(total), 0) FROM full_minutes) + (SELECT coalesce(sum(value), 0) FROM edges),
                        (SELECT min(m) FROM (SELECT min(lo) AS m FROM full_minutes UNION ALL SELECT min(value) FROM edges)),
                        (SELECT max(m) FROM (SELECT max(hi) AS m FROM full_minutes UNION ALL SELECT max(value) FROM edges)),
                        (SELECT count(DISTINCT v) FROM (
                            SELECT value AS v FROM metric_distinct WHERE ? AND tenant = ? AND metric = ? AND minute BETWEEN ? AND ?
                            UNION ALL SELECT distinct_value FROM edges WHERE distinct_value IS NOT NULL))""")) {
                int i = 1;
                ps.setString(i++, tenant);
                ps.setString(i++, base.name());
                ps.setLong(i++, from);
                ps.setLong(i++, anyFull ? leftEnd : to);
                ps.setBoolean(i++, anyFull);
                ps.setString(i++, tenant);
                ps.setString(i++, base.name());
                ps.setLong(i++, rightStart);
                ps.setLong(i++, to);
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
