package dev.eventwire.bench;

import java.time.Duration;

/**
 * A backlog drained from the store, measured from outside: the receiver process is frozen (SIGSTOP) while
 * the events are posted, then thawed; the clock runs from the thaw until every delivery has been received
 * and recorded delivered.
 */
final class BacklogDrain {
    /** One drain: deliveries, seconds to post, when they arrived, seconds to record all, and webhook-ids received again. */
    record Result(long deliveries, double postSeconds, Receipts.Arrivals arrivals, double recordedSeconds, long repeats) {
        double rate() {
            return deliveries / recordedSeconds;
        }
    }

    private final ChildProcess receiver;
    private final Receipts receipts;

    BacklogDrain(ChildProcess receiver, Receipts receipts) {
        this.receiver = receiver;
        this.receipts = receipts;
    }

    Result run(BenchTarget target, String prefix, long deliveries) {
        long events = deliveries / target.webhooks();
        long expected = events * target.webhooks();
        receipts.reset();
        long repeatsBefore = receipts.repeats();
        receiver.signal("STOP");
        long postStart = System.nanoTime();
        try {
            target.post(prefix, events);
        } finally {
            receiver.signal("CONT");
        }
        long start = System.nanoTime();
        Receipts.Arrivals arrivals = receipts.awaitDistinct(expected, start);
        target.awaitAllRecorded();
        double recorded = (System.nanoTime() - start) / 1e9;
        receipts.sync();
        return new Result(expected, (start - postStart) / 1e9, arrivals, recorded, receipts.repeats() - repeatsBefore);
    }
}
