package dev.eventwire.delivery;

import java.util.Optional;

/**
 * Which of a webhook's deliveries a listing shows: those with a status, and the one a receiver knows by its
 * {@code webhook-id} (its message id), each when given.
 */
public record DeliveryFilter(Optional<DeliveryStatus> status, Optional<String> messageId) {
    public static final DeliveryFilter ALL = new DeliveryFilter(Optional.empty(), Optional.empty());
}
