package dev.eventwire.delivery;

/**
 * How many attempts a lane starts per second, smoothed: counted over windows of at least half a second,
 * each half second weighing as much as everything before it, so the figure follows a change within a second
 * or two and falls towards zero while the lane is idle (an idle spell is one long window that weighs as
 * much as the half seconds it lasted).
 * Not thread-safe: the lane's lock guards it.
 */
final class SendRate {
    static final long WINDOW_NANOS = 500_000_000L;

    private long windowStart;
    private int sentInWindow;
    private double perSecond;

    SendRate(long nowNanos) {
        this.windowStart = nowNanos;
    }

    /** Records an attempt started at {@code nowNanos}. */
    void sent(long nowNanos) {
        roll(nowNanos);
        sentInWindow++;
    }

    /** Attempts per second as of {@code nowNanos}. */
    double perSecond(long nowNanos) {
        roll(nowNanos);
        return perSecond;
    }

    private void roll(long nowNanos) {
        long elapsed = nowNanos - windowStart;
        if (elapsed < WINDOW_NANOS) return;
        double window = sentInWindow * 1e9 / elapsed;
        // A window as long as n windows weighs as much as n of them: the older figure halves n times.
        double older = Math.pow(0.5, (double) elapsed / WINDOW_NANOS);
        perSecond = perSecond * older + window * (1 - older);
        windowStart = nowNanos;
        sentInWindow = 0;
    }
}
