package dev.eventwire.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The store keeps instants as epoch microseconds (UTC): portable, sortable, exact at both databases' precision. */
public final class Micros {
    private Micros() {
    }

    /** As {@code ChronoUnit.MICROS.between(Instant.EPOCH, instant)}, without its generic path (it runs for every row). */
    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond();
        long nanos = instant.getNano();
        if (seconds < 0 && nanos > 0) { // the JDK counts toward zero: -0.9999999 s is -999,999 µs
            seconds++;
            nanos -= 1_000_000_000L;
        }
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
    }

    public static Instant toInstant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
