package dev.eventwire.delivery;

import java.time.Duration;

/**
 * Limits of the delivery engine. {@code perEndpointInFlight} caps concurrent requests to one webhook so a
 * slow endpoint holds at most that many slots; {@code laneCapacity} caps the attempts waiting in memory
 * per webhook; beyond it work stays in the store until there is room.
 */
public record EngineSettings(Duration deliveryTimeout, Duration connectTimeout, Duration lease, int perEndpointInFlight,
                             int laneCapacity, Duration pollInterval, int claimBatch, Duration attemptRetention) {

    public static EngineSettings defaults(Duration deliveryTimeout) {
        Duration connect = deliveryTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? deliveryTimeout : Duration.ofSeconds(5);
        return new EngineSettings(deliveryTimeout, connect, deliveryTimeout.multipliedBy(2).plusSeconds(30), 32, 2000,
                Duration.ofMillis(250), 2000, Duration.ofDays(30));
    }
}
