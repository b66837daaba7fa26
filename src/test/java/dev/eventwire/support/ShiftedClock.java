package dev.eventwire.support;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** The system clock moved forward by a shift its owner sets: a process that "wakes up" later than the others, while time still runs. */
public final class ShiftedClock extends UtcClock {
    private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

    public void shift(Duration more) {
        shift.updateAndGet(s -> s.plus(more));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift.get());
    }
}
