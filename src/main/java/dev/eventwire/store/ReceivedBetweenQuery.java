package dev.eventwire.store;

import dev.eventwire.events.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A page of a tenant's events by receipt time, in log order, in SQL both backends answer alike. */
public final class ReceivedBetweenQuery {
    private ReceivedBetweenQuery() {
    }

    public static List<StoredEvent> run(Connection c, String tenant, Instant since, Instant until, long afterSeq, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_id, event_type, received_us, body FROM events "
                + "WHERE tenant = ? AND received_us >= ? AND received_us < ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, tenant);
            ps.setLong(2, Micros.of(since));
            ps.setLong(3, Micros.of(until));
            ps.setLong(4, afterSeq);
            ps.setInt(5, limit);
            List<StoredEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), Micros.toInstant(rs.getLong(4)), rs.getString(5)));
                }
            }
            return out;
        }
    }
}
