package dev.eventwire.store.duckdb;

import dev.eventwire.delivery.PendingDeliveries;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Counts pending deliveries: the rows of delivery_queue, which holds only work still to do (finished
 * deliveries move to delivery_history), so the count costs what the backlog costs, never history.
 */
public final class DuckDbPendingDeliveries implements PendingDeliveries {
    private final DuckDbDatabase database;

    public DuckDbPendingDeliveries(DuckDbDatabase database) {
        this.database = database;
    }

    @Override
    public long count() {
        return database.read(connection -> {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM delivery_queue")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
