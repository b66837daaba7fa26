package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The deaths the store has told of whose report is not stored yet. Each death is written with the
 * outcome that caused it and forgotten once its report is stored, so a crash in between leaves it here
 * to be reported again.
 */
public interface DeathReports {
    /** Deaths not yet said to be reported that happened before {@code before}, oldest first. */
    List<DeadDelivery> unreportedDeaths(Instant before, int limit);

    /** Their reports are stored: forgets them. Callers pass a non-empty list they no longer change. */
    CompletableFuture<Void> deathsReported(Collection<DeadDelivery> reported);
}
