package dev.eventwire.delivery;

/**
 * Told of every attempt the engine makes, as soon as its result is known and its outcome decided (the
 * outcome is written right after). Runs on the engine's callback threads, so implementations only count.
 */
@FunctionalInterface
public interface DeliveryObserver {
    DeliveryObserver NONE = (job, result, newStatus) -> { };

    /** {@code newStatus}: what the delivery becomes (pending again when it will be retried). */
    void attempted(DeliveryJob job, AttemptResult result, DeliveryStatus newStatus);

    /** The poller asked the store for due work and got {@code deliveries} of it (zero too). */
    default void claimed(int deliveries) {
    }

    /** A delivery held in memory was not sent because its lease had ended or was about to (replicas only). */
    default void leaseLost() {
    }
}
