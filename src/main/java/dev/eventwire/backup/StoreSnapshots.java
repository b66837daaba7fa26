package dev.eventwire.backup;

import java.nio.file.Path;
import java.util.List;

/** A store that can write a consistent copy of itself while it serves. */
public interface StoreSnapshots {
    /** A file in a backup folder while it is written; a store does not open a folder holding it. */
    String INCOMPLETE_MARKER = "BACKUP-INCOMPLETE";

    /**
     * Writes the store's files into the empty folder {@code into}, as of a moment after every event
     * acknowledged before the call, and answers their names. The copy is a data folder a server starts on.
     *
     * @throws SnapshotFailedException when a file cannot be written (a full disk, a folder it may not write)
     */
    List<String> writeInto(Path into);

    /** Why a snapshot could not be written, in one line. */
    final class SnapshotFailedException extends RuntimeException {
        public SnapshotFailedException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
