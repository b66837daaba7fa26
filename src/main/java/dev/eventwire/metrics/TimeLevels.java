package dev.eventwire.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Values per minute, hour and day (UTC, epoch-aligned): fold cells, value counts or value sets. A point
 * moves the three values that cover its minute; a fold over whole minutes takes whole days and hours
 * where it can, so any window of up to 30 days costs at most ~200 lookups, whatever the number of events.
 */
final class TimeLevels<T> {
    static final long MINUTE_US = 60_000_000L;
    private static final long HOUR = 60;
    private static final long DAY = 1_440;

    private final Supplier<T> empty;
    private final Map<Long, T> minutes = new HashMap<>();
    private final Map<Long, T> hours = new HashMap<>();
    private final Map<Long, T> days = new HashMap<>();
    private long lastMinute = Long.MIN_VALUE;
    private long keptFrom = Long.MIN_VALUE;

    TimeLevels(Supplier<T> empty) {
        this.empty = empty;
    }

    static long minuteOf(long micros) {
        return Math.floorDiv(micros, MINUTE_US);
    }

    /** The minute, hour and day values covering {@code minute}, created when missing. */
    void covering(long minute, Consumer<T> action) {
        lastMinute = Math.max(lastMinute, minute);
        action.accept(minutes.computeIfAbsent(minute, k -> empty.get()));
        action.accept(hours.computeIfAbsent(Math.floorDiv(minute, HOUR), k -> empty.get()));
        action.accept(days.computeIfAbsent(Math.floorDiv(minute, DAY), k -> empty.get()));
    }

    T minute(long minute) {
        return minutes.get(minute);
    }

    /** Passes the values that together cover the whole minutes {@code first..last}, each minute once. */
    void fold(long first, long last, Consumer<T> into) {
        long m = first;
        while (m <= last) {
            T value;
            if (Math.floorMod(m, DAY) == 0 && m + DAY - 1 <= last) {
                value = days.get(Math.floorDiv(m, DAY));
                m += DAY;
            } else if (Math.floorMod(m, HOUR) == 0 && m + HOUR - 1 <= last) {
                value = hours.get(Math.floorDiv(m, HOUR));
                m += HOUR;
            } else {
                value = minutes.get(m);
                m++;
            }
            if (value != null) into.accept(value);
        }
    }

    /** The latest minute that has a value, or {@code Long.MIN_VALUE}. */
    long lastMinute() {
        return lastMinute;
    }

    /** Forgets the values before {@code minute} (an hour or day value only once it starts before it). */
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

    /** Forgets every value. */
    void clear() {
        minutes.clear();
        hours.clear();
        days.clear();
    }
}
