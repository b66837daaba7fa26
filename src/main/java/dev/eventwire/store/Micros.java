package dev.eventwire.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The store keeps instants as epoch microseconds (UTC): portable, sortable, exact at both databases' precision. */
public final class Micros {
    private Micros() {
    }

    public static long of(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    public static Instant toInstant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
