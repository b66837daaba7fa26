package dev.eventwire.store.duckdb;

import org.slf4j.Logger;

/**
 * Warns about commits slower than {@link #SLOW_MILLIS}, at most once per {@link #QUIET_NANOS} per writer:
 * on a machine short of CPU every commit can be slow for minutes, and a line per commit buried the log.
 * The line says how many were slow since the last one and the slowest; the commit-time histogram in
 * /metrics has them all. Slow commits held back by the quiet period are reported by the first commit
 * after it, slow or not: they waited for a later slow one before, and a single stall of seconds right
 * after a logged line never reached the log (seen from outside, 2026-12-04). Used by its writer's thread only.
 */
final class SlowCommits {
    static final long SLOW_MILLIS = 250;
    private static final long QUIET_NANOS = 10_000_000_000L;

    private final Logger log;
    private final String writer;
    private long lastLineNanos;
    private boolean loggedOnce;
    private int slowSince;
    private long slowestMillis;
    private int slowestPieces;

    SlowCommits(Logger log, String writer) {
        this.log = log;
        this.writer = writer;
    }

    void committed(long millis, int pieces, long nowNanos) {
        if (millis >= SLOW_MILLIS) {
            slowSince++;
            if (millis > slowestMillis) {
                slowestMillis = millis;
                slowestPieces = pieces;
            }
        }
        if (slowSince == 0 || loggedOnce && nowNanos - lastLineNanos < QUIET_NANOS) return;
        if (slowSince == 1) {
            log.warn("slow commit on {}: {} ms for {} pieces of work", writer, slowestMillis, slowestPieces);
        } else {
            log.warn("slow commits on {}: {} since the last such line, the slowest {} ms for {} pieces of work", writer, slowSince, slowestMillis,
                    slowestPieces);
        }
        loggedOnce = true;
        lastLineNanos = nowNanos;
        slowSince = 0;
        slowestMillis = 0;
    }
}
