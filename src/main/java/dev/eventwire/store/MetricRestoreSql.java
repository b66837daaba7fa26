package dev.eventwire.store;

import dev.eventwire.metrics.RestoreSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a restarting process reads to rebuild its in-memory metrics, in SQL both backends answer alike:
 * the minute buckets from {@code fromMinute}, each distinct value's latest sighting up to
 * {@code settledMicros} and every sighting after it, and the distinct values of each minute. Run in one
 * snapshot, so the three reads and the returned last point agree.
 */
public final class MetricRestoreSql {
    /** The minute the metric tables bucket points by ({@code minute} columns count these from the epoch). */
    public static final long MINUTE_US = 60_000_000L;

    private MetricRestoreSql() {
    }

    /** Feeds {@code sink}; returns the sequence number of the last metric point stored (0 when none). */
    public static long read(Connection c, long fromMinute, long settledMicros, RestoreSink sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant, metric, minute, n, total, lo, hi FROM metric_buckets WHERE minute >= ?")) {
            ps.setLong(1, fromMinute);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sink.bucket(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5), rs.getBigDecimal(6), rs.getBigDecimal(7));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant, metric, distinct_value, max(occurred_us) FROM metric_points"
                + " WHERE distinct_value IS NOT NULL AND occurred_us >= ? AND occurred_us <= ? GROUP BY 1, 2, 3"
                + " UNION ALL SELECT tenant, metric, distinct_value, occurred_us FROM metric_points WHERE distinct_value IS NOT NULL AND occurred_us > ?")) {
            ps.setLong(1, fromMinute * MINUTE_US);
            ps.setLong(2, settledMicros);
            ps.setLong(3, settledMicros);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sink.distinct(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant, metric, minute, value FROM metric_distinct WHERE minute >= ?")) {
            ps.setLong(1, fromMinute);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sink.distinctInMinute(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4));
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM metric_points")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
