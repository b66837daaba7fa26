package dev.eventwire.store;

import dev.eventwire.delivery.PendingDeliveries;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Counts pending deliveries as the rows of delivery_queue, and finds the one due the longest: in both
 * backends that table holds only work still to do (finished deliveries move to delivery_history), so the
 * read costs what the backlog costs, never history.
 */
public final class PendingCount implements PendingDeliveries {
    private final Function<SqlWork<Backlog>, Backlog> read;

    /** {@code read}: runs a read on a connection of the backend's database. */
    public PendingCount(Function<SqlWork<Backlog>, Backlog> read) {
        this.read = read;
    }

    @Override
    public Backlog read(Instant now) {
        return read.apply(connection -> {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*), min(next_attempt_us) FILTER (WHERE next_attempt_us <= " + Micros.of(now) + ") FROM delivery_queue")) {
                rs.next();
                long oldestDue = rs.getLong(2);
                Duration dueFor = rs.wasNull() ? Duration.ZERO : Duration.between(Micros.toInstant(oldestDue), now);
                return new Backlog(rs.getLong(1), dueFor.isNegative() ? Duration.ZERO : dueFor);
            }
        });
    }
}
