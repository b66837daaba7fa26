package dev.eventwire.delivery;

import java.time.Duration;
import java.time.Instant;

/** Port: the deliveries still to do, read from the store. */
@FunctionalInterface
public interface PendingDeliveries {
    /** What is pending as of {@code now}. */
    Backlog read(Instant now);

    /**
     * {@code pending}: deliveries due now or waiting for a retry; {@code oldestDueFor}: how long the one due
     * the longest had been due when read (zero when none is due).
     */
    record Backlog(long pending, Duration oldestDueFor) {
    }
}
