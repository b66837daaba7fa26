package dev.eventwire.delivery;

import java.time.Duration;

/**
 * Limits of the delivery engine.
 *
 * <ul>
 *   <li>{@code perEndpointInFlight}: concurrent requests to one webhook (and its own connection pool), so a
 *       slow endpoint holds only its own slots, whatever host it shares.</li>
 *   <li>{@code laneCapacity}: attempts waiting in memory per webhook; beyond it work stays unleased in the
 *       store and is claimed as the lane drains below half.</li>
 *   <li>{@code claimBatch}: deliveries taken from the store in one claim, across webhooks.</li>
 *   <li>{@code totalInFlight}: requests in flight in the whole process; lanes that find it full take turns.</li>
 *   <li>{@code claimBudgetBytes}: while the bodies waiting in all lanes exceed this, claims give work
 *       only to lanes holding little of it; {@code inlineBudgetBytes}: beyond this, fresh deliveries are
 *       handed over in memory only to such lanes (the others wait in the store). Together they bound the
 *       engine's memory whatever the backlog, without one tenant's full lanes stopping another's.</li>
 * </ul>
 */
public record EngineSettings(Duration deliveryTimeout, Duration connectTimeout, Duration lease, int perEndpointInFlight,
                             int laneCapacity, Duration pollInterval, int claimBatch,
                             long claimBudgetBytes, long inlineBudgetBytes, int totalInFlight) {

    public static EngineSettings defaults(Duration deliveryTimeout) {
        Duration connect = deliveryTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? deliveryTimeout : Duration.ofSeconds(5);
        return new EngineSettings(deliveryTimeout, connect, deliveryTimeout.multipliedBy(2).plusSeconds(30), 32, 5000,
                Duration.ofMillis(250), 5000, 64L << 20, 128L << 20, 512);
    }

    /**
     * With replicas on a shared database the lease is what a dead replica's deliveries wait before the
     * others take them, so it is kept short: delivery timeout + 10 s (an attempt ends within the timeout;
     * the margin covers recording its outcome). A replica that overruns it is fenced off by the lease token.
     */
    public static EngineSettings forReplicas(Duration deliveryTimeout) {
        EngineSettings d = defaults(deliveryTimeout);
        return new EngineSettings(d.deliveryTimeout, d.connectTimeout, deliveryTimeout.plusSeconds(10), d.perEndpointInFlight, d.laneCapacity,
                d.pollInterval, d.claimBatch, d.claimBudgetBytes, d.inlineBudgetBytes, d.totalInFlight);
    }

    public EngineSettings withLaneCapacity(int capacity) {
        return new EngineSettings(deliveryTimeout, connectTimeout, lease, perEndpointInFlight, capacity, pollInterval, claimBatch,
                claimBudgetBytes, inlineBudgetBytes, totalInFlight);
    }
}
