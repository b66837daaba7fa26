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
    /** {@code eventSeqs[i]} is the log position of {@code accepted.get(i)}. */
    List<QueuedDelivery> queue(Connection connection, List<NewEvent> accepted, long[] eventSeqs, FanOut fanOut, InlineAdmission admission)
            throws SQLException;
}
