package dev.eventwire.store.duckdb;

import org.slf4j.Logger;

/**
 * Says where an ingest acknowledgement slower than {@link #SLOW_MILLIS} spent its time, stage by stage,
 * at most once per ten seconds ({@link SlowestSince}). A producer's slow answer is otherwise a number in a
 * histogram: three stalls of seconds in long runs (2026-12-04) could not be placed, because only the
 * journal's force was timed and it was quick. Used by the journaling thread only.
 */
final class SlowAcknowledgements {
    static final long SLOW_MILLIS = 250;

    /**
     * Where the slowest request of one group spent its time, in milliseconds: being admitted (held back
     * while the event log is far behind its journal; the admission is also a lock all requests share, and
     * on saturated cores a request parked there waits for a core to resume it), queued for the journaling
     * thread (behind the groups before it), its group's planning, the journal's write and force, and
     * handing the group on (to the index, the delivery engine and the metrics) before the answer.
     */
    record Stages(long admission, long queued, long planning, long journal, long handingOn, int requests) {
        long total() {
            return admission + queued + planning + journal + handingOn;
        }

        String describe() {
            return total() + " ms (being admitted " + admission + " ms, queued for the journaling thread " + queued + " ms, planning its group of "
                    + requests + (requests == 1 ? " request " : " requests ") + planning + " ms, writing and forcing the journal " + journal
                    + " ms, handing the group on " + handingOn + " ms)";
        }
    }

    private final Logger log;
    private final SlowestSince<Stages> slow = new SlowestSince<>();

    SlowAcknowledgements(Logger log) {
        this.log = log;
    }

    void acknowledged(Stages slowestOfGroup, long nowNanos) {
        if (slowestOfGroup.total() >= SLOW_MILLIS) slow.slow(slowestOfGroup.total(), slowestOfGroup);
        slow.due(nowNanos).ifPresent(r -> {
            if (r.count() == 1) log.warn("slow acknowledgement: {}", r.slowest().describe());
            else log.warn("slow acknowledgements: {} groups since the last such line, the slowest {}", r.count(), r.slowest().describe());
        });
    }
}
