package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.Timestamps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Epoch microseconds as the store keeps them: the same count as the JDK's, across the accepted range and before it; exact round trips from 1970 on. */
class MicrosTest {
    @Test
    void countsAsTheJdkDoesAndRoundTripsWholeMicroseconds() {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Timestamps.LATEST, Instant.ofEpochSecond(-1, 1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(0, 999), Instant.ofEpochSecond(0, 1_000),
                Instant.parse("2026-11-29T21:55:00.123456789Z")));
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-Timestamps.LATEST.getEpochSecond(), Timestamps.LATEST.getEpochSecond()),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            long micros = Micros.of(instant);
            assertThat(micros).as("%s", instant).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
            if (!instant.isBefore(Instant.EPOCH)) {
                assertThat(Micros.toInstant(micros)).as("%s", instant).isEqualTo(instant.truncatedTo(ChronoUnit.MICROS));
            }
        }
    }
}
