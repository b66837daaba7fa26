package dev.eventwire.store.duckdb;

import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.ingest.PlannedDelivery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Writes the deliveries of newly accepted events inside the ingest transaction. */
interface DeliveryQueue {
    List<QueuedDelivery> queue(Connection connection, List<PlannedDelivery> deliveries) throws SQLException;
}
