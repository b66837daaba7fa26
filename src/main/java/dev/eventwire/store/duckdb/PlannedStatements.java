package dev.eventwire.store.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A writer's hot statements, each planned once on its connection and run again with new values. DuckDB
 * plans a statement sent as text every time, and in a backlog drain planning was a sixth of the delivery
 * writer's CPU: the same dozen statements, thousands of times a minute, differing only in numbers. Values
 * are bound as parameters, which DuckDB still checks against each row group's minimum and maximum, so a
 * range on a sequence number skips the row groups outside it as a constant does.
 *
 * <p>Only statements whose text never varies belong here (the key is the text): one whose text carries
 * values (a list of ids) would grow the cache without end. Used by one thread at a time: the writer's, or
 * the one that opens the store before the writer takes work.
 */
final class PlannedStatements {
    private final Map<String, PreparedStatement> byText = new ConcurrentHashMap<>();
    private volatile Connection connection;

    /** The statement for {@code sql} on {@code c}, with the given values bound in order (longs, ints or strings). */
    PreparedStatement bound(Connection c, String sql, Object... values) throws SQLException {
        if (c != connection) {
            byText.clear(); // another connection: the statements planned on the one before are not used again
            connection = c;
        }
        PreparedStatement ps = byText.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            byText.put(sql, ps);
        }
        for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
        return ps;
    }
}
