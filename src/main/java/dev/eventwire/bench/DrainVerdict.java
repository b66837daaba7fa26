package dev.eventwire.bench;

/**
 * A backlog drain judged against the raw HTTP rate measured just before it and just after it. This
 * machine's speed drifts by a third within minutes and the drain runs a minute or more after the first
 * raw measurement, so the drain is compared with the faster of the two: a slow minute around the raw
 * measurement cannot flatter it.
 */
record DrainVerdict(double deliveriesPerSecond, double rawBefore, double rawAfter) {
    /** The goals: this share of the faster raw rate, and this many deliveries a second. */
    static final double GOAL_SHARE = 0.5;
    static final int GOAL_PER_SECOND = 20_000;

    double fasterRaw() {
        return Math.max(rawBefore, rawAfter);
    }

    double shareOfRaw() {
        return deliveriesPerSecond / fasterRaw();
    }

    boolean met() {
        return shareOfRaw() >= GOAL_SHARE && deliveriesPerSecond >= GOAL_PER_SECOND;
    }

    /** One line, as the bench prints it. */
    String describe() {
        return String.format("%-36s %9.0f deliveries/s = %.0f%% of the faster raw rate (%.0f before, %.0f after): goal ≥ %.0f%% and ≥ %,d/s %s",
                "drain, bracketed by raw", deliveriesPerSecond, 100 * shareOfRaw(), rawBefore, rawAfter, 100 * GOAL_SHARE, GOAL_PER_SECOND,
                met() ? "met" : "missed");
    }
}
