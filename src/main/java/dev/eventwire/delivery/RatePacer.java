package dev.eventwire.delivery;

/**
 * Spaces one webhook's attempts to a rate: each send takes the slot one interval after the previous
 * send's. A lane that fell behind (a pause of the process, a slow claim) may catch up on at most
 * {@link #CATCH_UP} of lost time, so the rate holds over seconds without bursts — and a slow rate's
 * lane, idle for a while, does not send two at once (catching up a whole interval, as it once could, put
 * two sends of a one-per-second limit a millisecond apart). The interval is the current rate's, so a limit raised or removed applies to the very next
 * send — not once the spacing of the old one has run out (after a limit of one per 1,000 s, that was
 * 1,000 s later). Not thread-safe: the lane's lock guards it.
 */
final class RatePacer {
    static final long CATCH_UP = 100_000_000L;
    /** The longest spacing kept: one hour (the API takes rates down to one per 1,000 s). */
    static final long MAX_INTERVAL = 3_600_000_000_000L;

    /** The slot the last send took; none yet: {@link Long#MIN_VALUE}. */
    private long lastSlotNanos = Long.MIN_VALUE;

    /** How long to wait before the next send at {@code perSecond}; 0 = now. */
    long waitNanos(double perSecond, long nowNanos) {
        if (lastSlotNanos == Long.MIN_VALUE) return 0;
        return Math.max(0, lastSlotNanos + interval(perSecond) - nowNanos);
    }

    /** Records a send made at {@code nowNanos}. */
    void sent(double perSecond, long nowNanos) {
        long interval = interval(perSecond);
        lastSlotNanos = lastSlotNanos == Long.MIN_VALUE ? nowNanos
                : Math.max(lastSlotNanos + interval, nowNanos - CATCH_UP);
    }

    /** Bounded, so that no rate, however small, overflows the clock arithmetic. */
    private static long interval(double perSecond) {
        return (long) Math.min(1_000_000_000d / perSecond, MAX_INTERVAL);
    }
}
