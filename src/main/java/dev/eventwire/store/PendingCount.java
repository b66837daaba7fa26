package dev.eventwire.store;

import dev.eventwire.delivery.PendingDeliveries;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.Function;

/**
 * Counts pending deliveries as the rows of delivery_queue: in both backends that table holds only work
 * still to do (finished deliveries move to delivery_history), so the count costs what the backlog
 * costs, never history.
 */
public final class PendingCount implements PendingDeliveries {
    private final Function<SqlWork<Long>, Long> read;

    /** {@code read}: runs a read on a connection of the backend's database. */
    public PendingCount(Function<SqlWork<Long>, Long> read) {
        this.read = read;
    }

    @Override
    public long count() {
        return read.apply(connection -> {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM delivery_queue")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
