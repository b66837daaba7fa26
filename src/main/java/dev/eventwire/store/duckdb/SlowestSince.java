package dev.eventwire.store.duckdb;

import java.util.Optional;

/**
 * What a slow-work log line reports: how many slow things happened since the last line and the slowest
 * of them, with a line at most once per quiet period. On a machine short of CPU every piece of work can be
 * slow for minutes, and a line each buried the log. Slow work held back by the quiet period is reported
 * by the first piece after it, slow or not: a single stall of seconds right after a logged line once
 * never reached the log (seen from outside, 2026-12-04). Used by one thread only.
 *
 * @param <T> what is kept of the slowest (its size, its stages)
 */
final class SlowestSince<T> {
    static final long QUIET_NANOS = 10_000_000_000L;

    /** {@code count} slow since the last line, the slowest taking {@code millis}. */
    record Report<T>(int count, long millis, T slowest) {
    }

    private long lastLineNanos;
    private boolean loggedOnce;
    private int count;
    private long slowestMillis;
    private T slowest;

    /** Counts one slow piece of work. */
    void slow(long millis, T what) {
        count++;
        if (slowest == null || millis > slowestMillis) {
            slowestMillis = millis;
            slowest = what;
        }
    }

    /** The line due at {@code nowNanos}, if any; what it reports is then forgotten. */
    Optional<Report<T>> due(long nowNanos) {
        if (count == 0 || loggedOnce && nowNanos - lastLineNanos < QUIET_NANOS) return Optional.empty();
        Report<T> report = new Report<>(count, slowestMillis, slowest);
        loggedOnce = true;
        lastLineNanos = nowNanos;
        count = 0;
        slowestMillis = 0;
        slowest = null;
        return Optional.of(report);
    }
}
