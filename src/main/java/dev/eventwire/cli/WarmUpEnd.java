package dev.eventwire.cli;

import java.time.Duration;

/**
 * When a warm-up may stop: not before its {@code minimum}; after it, once the JIT compiler has been quiet
 * — under {@link #QUIET_COMPILE_MILLIS} of compiling in each of the last {@link #QUIET_SECONDS} seconds —
 * or at the {@code cap} whatever it does. A fixed length is not enough on a busy machine: on two cores
 * shared with its own load the compiler falls behind (its thresholds rise with its queue), and a server
 * that opened its port after 30 s still compiled for 0.7 of a core through its first 8 s, answering in
 * seconds meanwhile.
 */
public record WarmUpEnd(Duration minimum, Duration cap) {
    static final long QUIET_COMPILE_MILLIS = 100;
    static final int QUIET_SECONDS = 2;

    public WarmUpEnd {
        if (cap.compareTo(minimum) < 0) throw new IllegalArgumentException("the cap is below the minimum");
    }

    /** At most three times the length asked for: a machine that cannot settle still opens its port. */
    public static WarmUpEnd forLength(Duration length) {
        return new WarmUpEnd(length, length.multipliedBy(3));
    }

    /** Whether a second in which the compiler spent {@code compileMillis} counts as quiet. */
    static boolean quiet(long compileMillis) {
        return compileMillis < QUIET_COMPILE_MILLIS;
    }

    /** Whether to stop after {@code elapsed}, the last {@code quietSeconds} seconds in a row having been quiet. */
    boolean reached(Duration elapsed, int quietSeconds) {
        if (elapsed.compareTo(minimum) < 0) return false;
        return elapsed.compareTo(cap) >= 0 || quietSeconds >= QUIET_SECONDS;
    }
}
