package dev.eventwire.observability;

import dev.eventwire.delivery.AttemptResult;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryObserver;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.support.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Delivery attempts by outcome, deliveries finished (delivered or dead) and the time from an event's
 * acceptance to its delivery. Labels are the outcome kinds only: never a tenant or a webhook, so the
 * number of series stays fixed however many tenants and webhooks there are.
 */
public final class DeliveryMeters implements DeliveryObserver {
    /** From a receiver on the same host (milliseconds) to deliveries that waited out retries (hours). */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(12), Duration.ofDays(1)};

    private final Counter delivered;
    private final Counter failed;
    private final Counter gone;
    private final Counter throttled;
    private final Counter finishedDelivered;
    private final Counter finishedDead;
    private final Counter claims;
    private final Counter claimedDeliveries;
    private final Counter leasesLost;
    private final Counter outcomesTakenOver;
    private final Timer latency;

    public DeliveryMeters(Telemetry telemetry) {
        this.delivered = attempts(telemetry, "delivered");
        this.failed = attempts(telemetry, "failed");
        this.gone = attempts(telemetry, "gone");
        this.throttled = attempts(telemetry, "throttled");
        this.finishedDelivered = finished(telemetry, DeliveryStatus.DELIVERED);
        this.finishedDead = finished(telemetry, DeliveryStatus.DEAD);
        this.claims = Counter.builder("eventwire.delivery.claims")
                .description("Times the poller asked the store for due deliveries (claims), whether or not it found any")
                .register(telemetry.registry());
        this.claimedDeliveries = Counter.builder("eventwire.delivery.claimed")
                .description("Deliveries taken from the store by claims (retries, backlogs, work left by another process)")
                .register(telemetry.registry());
        this.leasesLost = Counter.builder("eventwire.delivery.leases.lost")
                .description("Deliveries held in memory and not sent, their leases given back: outcomes could not be recorded (the store cannot write, the database does not answer), or their lease had ended (a replica paused or cut off from the database; another replica sends them)")
                .register(telemetry.registry());
        this.outcomesTakenOver = Counter.builder("eventwire.delivery.outcomes.taken.over")
                .description("Attempts sent whose outcome was not recorded: another replica had taken the delivery over meanwhile (this one paused or cut off past its lease), so the receiver got it twice")
                .register(telemetry.registry());
        this.latency = Timer.builder("eventwire.delivery.latency")
                .description("From the event's acceptance to the receiver's 2xx answer, retries included")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(telemetry.registry());
    }

    private static Counter attempts(Telemetry telemetry, String outcome) {
        return Counter.builder("eventwire.delivery.attempts").tag("outcome", outcome)
                .description("Delivery attempts by outcome: delivered (2xx), failed (other status or no answer), gone (410), throttled (429/503 with Retry-After)")
                .register(telemetry.registry());
    }

    private static Counter finished(Telemetry telemetry, DeliveryStatus status) {
        return Counter.builder("eventwire.deliveries.finished").tag("status", status.wireName())
                .description("Deliveries that became delivered or dead through an attempt of this process")
                .register(telemetry.registry());
    }

    @Override
    public void attempted(AttemptResult result) {
        switch (result) {
            case AttemptResult.Delivered d -> delivered.increment();
            case AttemptResult.Failed f -> failed.increment();
            case AttemptResult.Gone g -> gone.increment();
            case AttemptResult.Throttled t -> throttled.increment();
        }
    }

    @Override
    public void recorded(DeliveryJob job, DeliveryStatus newStatus, Instant answeredAt) {
        if (newStatus == DeliveryStatus.DELIVERED) {
            finishedDelivered.increment();
            Optional<Instant> accepted = Ids.createdAt(job.messageId());
            accepted.ifPresent(at -> latency.record(nonNegative(Duration.between(at, answeredAt))));
        } else if (newStatus == DeliveryStatus.DEAD) {
            finishedDead.increment();
        }
    }

    @Override
    public void outcomeTakenOver() {
        outcomesTakenOver.increment();
    }

    @Override
    public void claimed(int deliveries) {
        claims.increment();
        claimedDeliveries.increment(deliveries);
    }

    @Override
    public void leaseLost() {
        leasesLost.increment();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
