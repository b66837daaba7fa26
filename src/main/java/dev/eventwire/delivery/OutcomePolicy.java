package dev.eventwire.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Turns an attempt's result into the record to write: new status, next attempt time, webhook disabling. */
public final class OutcomePolicy {
    public static final String GONE_REASON = "endpoint answered 410 Gone";

    private final RetryPolicy retries;

    public OutcomePolicy(RetryPolicy retries) {
        this.retries = retries;
    }

    /**
     * {@code attemptedAt} is when the request went out (the attempt log's time). The next attempt counts
     * from when its answer, timeout or error came back, the attempt's measured duration later: a receiver
     * that took 20 s to say 503 with Retry-After 30 is not asked again 10 s after it answered.
     */
    public AttemptRecord decide(DeliveryJob job, AttemptResult result, Instant attemptedAt) {
        return switch (result) {
            case AttemptResult.Delivered d -> record(job, Optional.of(d.statusCode()), true, Optional.empty(), d.durationMillis(), d.responseBody(),
                    attemptedAt, DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty());
            case AttemptResult.Gone g -> record(job, Optional.of(g.statusCode()), false, Optional.of("HTTP 410 Gone: webhook disabled"), g.durationMillis(),
                    g.responseBody(), attemptedAt, DeliveryStatus.DEAD, Optional.empty(), Optional.of(GONE_REASON));
            case AttemptResult.Throttled t -> retryOrDead(job, Optional.of(t.statusCode()), "HTTP " + t.statusCode() + " (" + retryAfterText(t.retryAfter()) + ")",
                    t.durationMillis(), t.responseBody(), attemptedAt, Optional.of(t.retryAfter()));
            case AttemptResult.Failed f -> retryOrDead(job, f.statusCode(), f.error(), f.durationMillis(), f.responseBody(), attemptedAt, Optional.empty());
        };
    }

    /**
     * What the receiver asked for, as the attempt log shows it. A number of seconds beyond what can be counted
     * (it asked to wait as long as possible) is said so, not shown as the largest count there is.
     */
    static String retryAfterText(Duration asked) {
        return asked.getSeconds() == Long.MAX_VALUE ? "Retry-After longer than any retry delay" : "Retry-After " + asked.toSeconds() + "s";
    }

    private AttemptRecord retryOrDead(DeliveryJob job, Optional<Integer> status, String error, long millis, String body, Instant at,
                                      Optional<Duration> retryAfter) {
        Optional<Duration> delay = retries.delayAfter(job.attemptInBudget(), retryAfter);
        return record(job, status, false, Optional.of(error), millis, body, at,
                delay.isPresent() ? DeliveryStatus.PENDING : DeliveryStatus.DEAD, delay.map(at.plusMillis(millis)::plus), Optional.empty());
    }

    private static AttemptRecord record(DeliveryJob job, Optional<Integer> status, boolean success, Optional<String> error, long millis, String body,
                                        Instant at, DeliveryStatus newStatus, Optional<Instant> next, Optional<String> disable) {
        return new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(), job.trigger(), status, success,
                error, millis, body, at, newStatus, next, disable, job.seq(), job.lease());
    }
}
