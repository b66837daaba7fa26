package dev.eventwire.bench;

import java.util.function.Supplier;

/**
 * The share one growing counter took of another between consecutive calls: read at creation and at
 * every slice's end, so each slice reports only its own part. A reading that fails (a file or endpoint
 * that cannot be read, text without the counters) makes that slice NaN, never an error.
 */
final class SlicedShare {
    /** Two counters since some start: everything, and the part whose share is wanted. */
    record Reading(double total, double part) {
    }

    private final Supplier<Reading> reader;
    private Reading last;

    /** {@code reader}: the counters now, or null when they cannot be read. */
    SlicedShare(Supplier<Reading> reader) {
        this.reader = reader;
        this.last = read();
    }

    /** The part's share of what the total grew by since the last call; NaN when it did not grow or a reading failed. */
    double takeSlice() {
        Reading now = read();
        Reading before = last;
        last = now;
        if (now == null || before == null || now.total() <= before.total()) return Double.NaN;
        return (now.part() - before.part()) / (now.total() - before.total());
    }

    private Reading read() {
        try {
            return reader.get();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
