package dev.eventwire.store.duckdb;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The store keeps instants as epoch microseconds (UTC): portable, sortable, exact at DuckDB's precision. */
final class Micros {
    private Micros() {
    }

    static long of(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant toInstant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
