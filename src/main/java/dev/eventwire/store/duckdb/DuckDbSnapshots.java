package dev.eventwire.store.duckdb;

import dev.eventwire.backup.StoreSnapshots;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * Backups of the DuckDB files while the server runs. Removing old events waits while one is written: the
 * delivery file is copied before the event log, and an event removed in between would leave the copy a
 * pending delivery without its event.
 */
final class DuckDbSnapshots implements StoreSnapshots {
    private final DuckDbDatabase database;
    private final Lock eventRemoval;

    DuckDbSnapshots(DuckDbDatabase database, Lock eventRemoval) {
        this.database = database;
        this.eventRemoval = eventRemoval;
    }

    @Override
    public List<String> writeInto(Path into) {
        eventRemoval.lock();
        try {
            return database.copyInto(into);
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            throw new SnapshotFailedException(message.lines().findFirst().orElse(message), e);
        } finally {
            eventRemoval.unlock();
        }
    }
}
