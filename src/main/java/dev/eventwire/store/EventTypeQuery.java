package dev.eventwire.store;

import dev.eventwire.events.EventTypeStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The event-types listing, in SQL both backends answer alike. */
public final class EventTypeQuery {
    private EventTypeQuery() {
    }

    public static List<EventTypeStats> run(Connection c, String tenant, Instant since, Optional<String> after, int limit) throws SQLException {
        // Every event type is at least one character, so "after the empty string" is the first page.
        try (PreparedStatement ps = c.prepareStatement("SELECT event_type, count(*) FILTER (WHERE received_us >= ?), max(received_us) FROM events "
                + "WHERE tenant = ? AND event_type > ? GROUP BY event_type ORDER BY event_type LIMIT ?")) {
            ps.setLong(1, Micros.of(since));
            ps.setString(2, tenant);
            ps.setString(3, after.orElse(""));
            ps.setInt(4, limit);
            List<EventTypeStats> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new EventTypeStats(rs.getString(1), rs.getLong(2), Micros.toInstant(rs.getLong(3))));
            }
            return out;
        }
    }
}
