package dev.eventwire.retention;

import java.time.Instant;

/** Port: removes old rows in small steps. */
public interface RetentionStore {
    /** Removes at most {@code maxRows} rows of {@code what} older than {@code before}; returns how many it removed. */
    int prune(Retained what, Instant before, int maxRows);
}
