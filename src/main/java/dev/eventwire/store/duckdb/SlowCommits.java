package dev.eventwire.store.duckdb;

import org.slf4j.Logger;

/**
 * Warns about commits slower than {@link #SLOW_MILLIS}, at most once per ten seconds per writer, with how
 * many were slow since the last line and the slowest ({@link SlowestSince}); the commit-time histogram in
 * /metrics has them all. Used by its writer's thread only.
 */
final class SlowCommits {
    static final long SLOW_MILLIS = 250;

    private final Logger log;
    private final String writer;
    private final SlowestSince<Integer> slow = new SlowestSince<>();

    SlowCommits(Logger log, String writer) {
        this.log = log;
        this.writer = writer;
    }

    void committed(long millis, int pieces, long nowNanos) {
        if (millis >= SLOW_MILLIS) slow.slow(millis, pieces);
        slow.due(nowNanos).ifPresent(r -> {
            String work = r.slowest() == 1 ? "1 piece of work" : r.slowest() + " pieces of work";
            if (r.count() == 1) log.warn("slow commit on {}: {} ms for {}", writer, r.millis(), work);
            else log.warn("slow commits on {}: {} since the last such line, the slowest {} ms for {}", writer, r.count(), r.millis(), work);
        });
    }
}
