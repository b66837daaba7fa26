package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SendRateTest {
    private static final long MS = 1_000_000L;

    /** Sends {@code perSecond} evenly for {@code millis} from {@code start}; returns the time after. */
    private static long send(SendRate rate, long start, int perSecond, long millis) {
        long sends = perSecond * millis / 1000;
        for (long i = 0; i < sends; i++) rate.sent(start + i * millis * MS / sends);
        return start + millis * MS;
    }

    @Test
    void followsASteadyRateWithinAFewWindows() {
        SendRate rate = new SendRate(0);
        long t = send(rate, 0, 2000, 3000);
        assertThat(rate.perSecond(t)).isCloseTo(2000, within(150.0));
    }

    @Test
    void followsAChangeOfPaceWithinTwoSeconds() {
        SendRate rate = new SendRate(0);
        long t = send(rate, 0, 2000, 3000);
        t = send(rate, t, 200, 2000);
        assertThat(rate.perSecond(t)).isCloseTo(200, within(150.0));
    }

    @Test
    void fallsTowardsZeroWhileIdle() {
        SendRate rate = new SendRate(0);
        long t = send(rate, 0, 2000, 3000);
        assertThat(rate.perSecond(t + 10_000 * MS)).isLessThan(1000);
        assertThat(rate.perSecond(t + 20_000 * MS)).isLessThan(10);
    }

    @Test
    void aFreshRateIsZero() {
        assertThat(new SendRate(0).perSecond(10 * MS)).isZero();
    }
}
