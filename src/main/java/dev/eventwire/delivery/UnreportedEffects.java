package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The effects of recorded outcomes (a delivery died, a webhook was disabled or recovered) whose report,
 * an event in the tenant's log, is not stored yet. Each is written in the transaction that caused it and
 * forgotten once its report is stored, so a crash in between leaves it here to be reported again.
 */
public interface UnreportedEffects {
    /** Effects not yet said to be reported that happened before {@code before}: deaths first, each kind oldest first. */
    List<DeliveryEffect> unreportedEffects(Instant before, int limit);

    /** Their reports are stored: forgets them. Callers pass a non-empty list they no longer change. */
    CompletableFuture<Void> effectsReported(Collection<DeliveryEffect> reported);
}
