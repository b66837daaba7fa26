package dev.eventwire.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cells per minute, hour and day (UTC, epoch-aligned). A point moves the three cells that cover its
 * minute; a fold over whole minutes takes whole days and hours where it can, so any window of up to 30
 * days costs at most ~200 cell lookups, whatever the number of events.
 */
final class TimeLevels {
    static final long MINUTE_US = 60_000_000L;
    private static final long HOUR = 60;
    private static final long DAY = 1_440;

    private final Map<Long, Cell> minutes = new HashMap<>();
    private final Map<Long, Cell> hours = new HashMap<>();
    private final Map<Long, Cell> days = new HashMap<>();
    private long lastMinute = Long.MIN_VALUE;
    private long keptFrom = Long.MIN_VALUE;

    static long minuteOf(long micros) {
        return Math.floorDiv(micros, MINUTE_US);
    }

    /** The minute, hour and day cells covering {@code minute}, created when missing. */
    void covering(long minute, Consumer<Cell> action) {
        lastMinute = Math.max(lastMinute, minute);
        action.accept(minutes.computeIfAbsent(minute, k -> new Cell()));
        action.accept(hours.computeIfAbsent(Math.floorDiv(minute, HOUR), k -> new Cell()));
        action.accept(days.computeIfAbsent(Math.floorDiv(minute, DAY), k -> new Cell()));
    }

    Cell minute(long minute) {
        return minutes.get(minute);
    }

    /** Folds the whole minutes {@code first..last} into {@code into}. */
    void fold(long first, long last, Cell into) {
        long m = first;
        while (m <= last) {
            Cell c;
            if (Math.floorMod(m, DAY) == 0 && m + DAY - 1 <= last) {
                c = days.get(Math.floorDiv(m, DAY));
                m += DAY;
            } else if (Math.floorMod(m, HOUR) == 0 && m + HOUR - 1 <= last) {
                c = hours.get(Math.floorDiv(m, HOUR));
                m += HOUR;
            } else {
                c = minutes.get(m);
                m++;
            }
            if (c != null) into.add(c);
        }
    }

    /** The latest minute that has a cell, or {@code Long.MIN_VALUE}. */
    long lastMinute() {
        return lastMinute;
    }

    /** Forgets the cells before {@code minute} (an hour or day cell only once it starts before it). */
    void dropBefore(long minute) {
        if (minute <= keptFrom) return;
        if (keptFrom != Long.MIN_VALUE && minute - keptFrom <= DAY) {
            // The usual step (once a minute): remove the few keys that fell out, not a scan of 44,640.
            for (long m = keptFrom; m < minute; m++) minutes.remove(m);
            for (long h = Math.floorDiv(keptFrom, HOUR); h * HOUR < minute; h++) hours.remove(h);
            for (long d = Math.floorDiv(keptFrom, DAY); d * DAY < minute; d++) days.remove(d);
        } else {
            minutes.keySet().removeIf(m -> m < minute);
            hours.keySet().removeIf(h -> h * HOUR < minute);
            days.keySet().removeIf(d -> d * DAY < minute);
        }
        keptFrom = minute;
    }
}
