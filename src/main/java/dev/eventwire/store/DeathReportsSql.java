package dev.eventwire.store;

import dev.eventwire.delivery.DeadDelivery;
import dev.eventwire.delivery.DeliveryEffect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The deaths whose report (an event in the tenant's log, written by another transaction, in the event
 * log) is not yet stored, in SQL both backends answer alike: written in the transaction that records
 * the death, removed once the report is stored, read back after a crash in between. Deaths are rare, so
 * row by row is enough (and not as a JDBC batch: DuckDB's driver runs one in a transaction of its own,
 * which the writer's explicit transaction refuses).
 */
public final class DeathReportsSql {
    private DeathReportsSql() {
    }

    /** Keeps the deaths among {@code effects} until they are reported; in the transaction that recorded them. */
    public static void keep(Connection c, List<DeliveryEffect> effects) throws SQLException {
        List<DeadDelivery> dead = effects.stream().filter(DeliveryEffect.DeliveryDied.class::isInstance)
                .map(e -> ((DeliveryEffect.DeliveryDied) e).dead()).toList();
        if (dead.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dead_unreported (seq, attempts, tenant, webhook_id, event_id, message_id, event_type, "
                + "last_error, died_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (DeadDelivery d : dead) {
                ps.setLong(1, d.seq());
                ps.setInt(2, d.attempts());
                ps.setString(3, d.tenant());
                ps.setString(4, d.webhookId());
                ps.setString(5, d.eventId());
                ps.setString(6, d.messageId());
                ps.setString(7, d.eventType());
                ps.setString(8, d.lastError().orElse(null));
                ps.setLong(9, Micros.of(d.diedAt()));
                ps.executeUpdate();
            }
        }
    }

    /** Those kept that died before {@code before}, oldest first. */
    public static List<DeadDelivery> unreported(Connection c, Instant before, int limit) throws SQLException {
        List<DeadDelivery> dead = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, attempts, tenant, webhook_id, event_id, message_id, event_type, last_error, died_us "
                + "FROM dead_unreported WHERE died_us < ? ORDER BY died_us, seq LIMIT ?")) {
            ps.setLong(1, Micros.of(before));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(new DeadDelivery(rs.getLong(1), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getInt(2), Optional.ofNullable(rs.getString(8)), Micros.toInstant(rs.getLong(9))));
                }
            }
        }
        return dead;
    }

    public static void forget(Connection c, Collection<DeadDelivery> reported) throws SQLException {
        if (reported.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dead_unreported WHERE seq = ? AND attempts = ?")) {
            for (DeadDelivery d : reported) {
                ps.setLong(1, d.seq());
                ps.setInt(2, d.attempts());
                ps.executeUpdate();
            }
        }
    }
}
