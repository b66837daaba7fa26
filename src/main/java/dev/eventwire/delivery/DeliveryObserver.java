package dev.eventwire.delivery;

import java.time.Instant;

/**
 * Told of every attempt the engine makes as soon as its result is known, and of its outcome once the
 * store has recorded it. Runs on the engine's callback threads, so implementations only count.
 */
public interface DeliveryObserver {
    DeliveryObserver NONE = new DeliveryObserver() {
    };

    /** A request was sent and answered (or failed): an attempt, whatever becomes of its outcome. */
    default void attempted(AttemptResult result) {
    }

    /**
     * The attempt's outcome is recorded: the delivery became {@code newStatus} (pending again when it will be
     * retried) with the answer of {@code answeredAt}. Not told of an outcome the store did not apply, so a
     * delivery counts as finished once across replicas.
     */
    default void recorded(DeliveryJob job, DeliveryStatus newStatus, Instant answeredAt) {
    }

    /**
     * An attempt's outcome was not recorded: another replica had taken the delivery over meanwhile (this one
     * was paused or cut off from the database past its lease), so the receiver gets it from both.
     */
    default void outcomeTakenOver() {
    }

    /** The poller asked the store for due work and got {@code deliveries} of it (zero too). */
    default void claimed(int deliveries) {
    }

    /** A delivery held in memory was not sent because its lease had ended or was about to (replicas only). */
    default void leaseLost() {
    }
}
