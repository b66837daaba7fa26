package dev.eventwire.delivery;

/** Port: how many deliveries are pending (due now or later), counted from the store. */
@FunctionalInterface
public interface PendingDeliveries {
    long count();
}
