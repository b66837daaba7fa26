package dev.eventwire.store.duckdb;

import static dev.eventwire.store.MetricRestoreSql.MINUTE_US;

import dev.eventwire.store.SqlLiterals;
import dev.eventwire.metrics.Aggregate;
import dev.eventwire.metrics.AggregateBuilder;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.RestoreSink;
import dev.eventwire.store.MetricRestoreSql;
import dev.eventwire.metrics.MetricDefinition;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.support.Awaits;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Metric rollups in DuckDB. The ingest group only adds each event's contribution (a point), written with
 * the events behind the journal; a read waits for the event log to hold what was acknowledged, so it
 * always sees it. A rollup worker folds points into
 * per-minute buckets and distinct sets on its own writer, moving a watermark in the same transaction.
 * A read adds up whole-minute buckets, the points newer than the watermark, and the exact points of the
 * two partial minutes at the window's edges: O(minutes in the window), not O(events).
 */
public final class DuckDbMetricStore implements MetricStore {

    /** At most this many points are folded per rollup transaction, to keep it short. */
    private static final long ROLLUP_BATCH = 200_000;

    private final DuckDbDatabase database;
    private final GroupCommitWriter rollupWriter;
    private final Runnable eventLogCaughtUp;

    /**
     * {@code eventLogCaughtUp}: waits until the event log holds every acknowledged event. The rollup
     * writer does not wait for it (a fold may run behind ingest), but {@link #rollUpAll()} promises every
     * point acknowledged before it was called.
     */
    public DuckDbMetricStore(DuckDbDatabase database, GroupCommitWriter rollupWriter, Runnable eventLogCaughtUp) {
        this.database = database;
        this.rollupWriter = rollupWriter;
        this.eventLogCaughtUp = eventLogCaughtUp;
    }

    @Override
    public void rollUpAll() {
        eventLogCaughtUp.run();
        MetricStore.super.rollUpAll();
    }

    @Override
    public long restore(long fromMinute, long settledMicros, RestoreSink sink) {
        rollUpAll(); // the buckets then hold every stored point
        return database.read(c -> Transaction.run(c, tx -> MetricRestoreSql.read(c, fromMinute, settledMicros, sink)));
    }

    @Override
    public List<Contribution> points(String tenant, Collection<String> metrics, long fromMicros, long toMicrosExclusive, long maxSeq) {
        String names = String.join(",", metrics.stream().map(SqlLiterals::string).toList());
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, metric, occurred_us, value, distinct_value FROM metric_points"
                    + " WHERE tenant = ? AND metric IN (" + names + ") AND occurred_us >= ? AND occurred_us < ? AND seq <= ? ORDER BY occurred_us")) {
                ps.setString(1, tenant);
                ps.setLong(2, fromMicros);
                ps.setLong(3, toMicrosExclusive);
                ps.setLong(4, maxSeq);
                List<Contribution> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Contribution(rs.getLong(1), new MetricPoint(tenant, rs.getString(2), rs.getLong(3),
                                Optional.ofNullable(rs.getBigDecimal(4)), Optional.ofNullable(rs.getString(5)))));
                    }
                }
                return out;
            }
        });
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

    @Override
    public Map<String, Aggregate> aggregate(String tenant, List<MetricDefinition> bases, long from, long to) {
        long firstFull = Math.floorDiv(from + MINUTE_US, MINUTE_US);
        long lastFull = Math.floorDiv(to + 1, MINUTE_US) - 1;
        boolean anyFull = firstFull <= lastFull;
        String metrics = String.join(",", bases.stream().map(b -> SqlLiterals.string(b.name())).toList());
        // Loose points: the partial minutes at both edges (or the whole window when it holds no whole
        // minute), and inside the whole minutes those not folded into the buckets yet.
        String loose = anyFull
                ? "SELECT metric, value, distinct_value FROM metric_points WHERE tenant = $1 AND metric IN (" + metrics + ") AND occurred_us > $2 AND occurred_us < $4"
                + " UNION ALL SELECT metric, value, distinct_value FROM metric_points WHERE tenant = $1 AND metric IN (" + metrics + ") AND occurred_us >= $5 AND occurred_us <= $3"
                + " UNION ALL SELECT metric, value, distinct_value FROM metric_points WHERE seq > $6 AND tenant = $1 AND metric IN (" + metrics + ")"
                + " AND occurred_us >= $4 AND occurred_us < $5"
                : "SELECT metric, value, distinct_value FROM metric_points WHERE tenant = $1 AND metric IN (" + metrics + ") AND occurred_us > $2 AND occurred_us <= $3";
        boolean anyDistinct = bases.stream().anyMatch(b -> b.aggregation() == dev.eventwire.metrics.Aggregation.COUNT_DISTINCT);
        return database.read(c -> {
            // One snapshot for the watermark, the buckets and the points, so nothing is counted twice or missed.
            return Transaction.run(c, tx -> {
                long watermark;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolled_up_seq FROM metric_rollup WHERE id = 1")) {
                    rs.next();
                    watermark = rs.getLong(1);
                }
                Map<String, AggregateBuilder> partials = new LinkedHashMap<>();
                for (MetricDefinition b : bases) partials.put(b.name(), new AggregateBuilder());
                if (anyFull) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT metric, sum(n), sum(total), min(lo), max(hi) FROM metric_buckets"
                            + " WHERE tenant = ? AND metric IN (" + metrics + ") AND minute BETWEEN ? AND ? GROUP BY metric")) {
                        ps.setString(1, tenant);
                        ps.setLong(2, firstFull);
                        ps.setLong(3, lastFull);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) partials.get(rs.getString(1)).add(rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5));
                        }
                    }
                }
                try (PreparedStatement ps = bind(c, "SELECT metric, count(*), sum(value), min(value), max(value) FROM (" + loose + ") GROUP BY metric",
                        tenant, from, to, firstFull, lastFull, watermark, anyFull);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) partials.get(rs.getString(1)).add(rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5));
                }
                if (anyDistinct) {
                    String sql = "SELECT metric, count(DISTINCT v) FROM (SELECT metric, distinct_value AS v FROM (" + loose + ") WHERE distinct_value IS NOT NULL"
                            + (anyFull ? " UNION ALL SELECT metric, value FROM metric_distinct WHERE tenant = $1 AND metric IN (" + metrics + ")"
                            + " AND minute BETWEEN $7 AND $8" : "") + ") GROUP BY metric";
                    try (PreparedStatement ps = bind(c, sql, tenant, from, to, firstFull, lastFull, watermark, anyFull);
                         ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) partials.get(rs.getString(1)).distinct(rs.getLong(2));
                    }
                }
                Map<String, Aggregate> out = new LinkedHashMap<>();
                partials.forEach((name, p) -> out.put(name, p.build()));
                return out;
            });
        });
    }


    /** Binds $1 tenant, $2 from, $3 to, and when the window holds whole minutes: $4 their start, $5 their end, $6 the watermark, $7..$8 the minutes. */
    private static PreparedStatement bind(Connection c, String sql, String tenant, long from, long to, long firstFull, long lastFull,
                                          long watermark, boolean anyFull) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setString(1, tenant);
        ps.setLong(2, from);
        ps.setLong(3, to);
        if (anyFull) {
            ps.setLong(4, firstFull * MINUTE_US);
            ps.setLong(5, (lastFull + 1) * MINUTE_US);
            ps.setLong(6, watermark);
            if (sql.contains("$7")) {
                ps.setLong(7, firstFull);
                ps.setLong(8, lastFull);
            }
        }
        return ps;
    }
}
