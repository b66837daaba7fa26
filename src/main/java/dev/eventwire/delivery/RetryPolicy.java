package dev.eventwire.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try again. The schedule lists the delays after attempt 1, 2, ...; its length
 * plus one is the attempt budget. Each delay gets ±10 % jitter so that a burst of failures does not
 * come back as a burst. A receiver's Retry-After raises the delay, capped at the longest scheduled one.
 */
public final class RetryPolicy {
    static final double JITTER = 0.10;

    private final List<Duration> schedule;
    private final Duration longest;
    private final DoubleSupplier random;

    public RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
        if (schedule.isEmpty()) throw new IllegalArgumentException("the retry schedule needs at least one delay");
        this.schedule = List.copyOf(schedule);
        this.longest = schedule.stream().max(Duration::compareTo).orElseThrow();
        this.random = random;
    }

    public int maxAttempts() {
        return schedule.size() + 1;
    }

    /**
     * The delay before the next attempt after attempt number {@code attemptInBudget} (1-based) failed, or
     * empty when that was the last one.
     */
    public Optional<Duration> delayAfter(int attemptInBudget, Optional<Duration> retryAfter) {
        if (attemptInBudget >= maxAttempts()) return Optional.empty();
        Duration base = schedule.get(attemptInBudget - 1);
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        Duration delay = Duration.ofMillis(Math.round(base.toMillis() * factor));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(longest) > 0 ? longest : retryAfter.get();
            if (asked.compareTo(delay) > 0) delay = asked;
        }
        return Optional.of(delay);
    }
}
