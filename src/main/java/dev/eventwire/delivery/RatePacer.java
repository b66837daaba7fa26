package dev.eventwire.delivery;

/**
 * Spaces one webhook's attempts to a rate: each send moves the earliest next send on by one interval.
 * A lane that fell behind (a pause of the process, a slow claim) may catch up on at most
 * {@link #CATCH_UP} of lost time (or one interval, if longer), so the rate holds over seconds without
 * bursts. Not thread-safe: the lane's lock guards it.
 */
final class RatePacer {
    static final long CATCH_UP = 100_000_000L;
    /** The longest spacing kept: one hour (the API takes rates down to one per 1,000 s). */
    static final long MAX_INTERVAL = 3_600_000_000_000L;

    private long nextNanos = Long.MIN_VALUE;

    /** How long to wait before the next send at {@code perSecond}; 0 = now. */
    long waitNanos(double perSecond, long nowNanos) {
        if (nextNanos == Long.MIN_VALUE) return 0;
        return Math.max(0, nextNanos - nowNanos);
    }

    /** Records a send made at {@code nowNanos}. */
    void sent(double perSecond, long nowNanos) {
        // Bounded, so that no rate, however small, overflows the clock arithmetic below.
        long interval = (long) Math.min(1_000_000_000d / perSecond, MAX_INTERVAL);
        long base = nextNanos == Long.MIN_VALUE ? nowNanos : Math.max(nextNanos, nowNanos - Math.max(interval, CATCH_UP));
        nextNanos = base + interval;
    }
}
