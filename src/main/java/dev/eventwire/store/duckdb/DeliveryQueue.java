package dev.eventwire.store.duckdb;

import dev.eventwire.events.FanOut;
import dev.eventwire.events.InlineAdmission;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Writes the deliveries of newly accepted events inside the ingest transaction. */
public interface DeliveryQueue {
    List<QueuedDelivery> queue(Connection connection, List<NewEvent> accepted, FanOut fanOut, InlineAdmission admission) throws SQLException;
}
