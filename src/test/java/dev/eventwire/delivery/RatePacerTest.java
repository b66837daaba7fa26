package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pacer's spacing, on a clock of its own (nanoseconds handed in). */
class RatePacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void afterAnIdleSpellASlowRateStillSpacesItsNextTwoSends() {
        RatePacer pacer = new RatePacer();
        pacer.sent(2, 0);
        long later = 10_000 * MS;
        assertThat(pacer.waitNanos(2, later)).as("idle long enough: the next goes at once").isZero();
        pacer.sent(2, later);
        assertThat(pacer.waitNanos(2, later)).as("but not the one after it").isGreaterThanOrEqualTo(400 * MS);
    }

    @Test
    void aFastRateCatchesUpOnAtMostAHundredMillisecondsOfLostTime() {
        RatePacer pacer = new RatePacer();
        pacer.sent(1000, 0);
        long now = 5_000 * MS;
        int atOnce = 0;
        while (pacer.waitNanos(1000, now) == 0 && atOnce < 1000) {
            pacer.sent(1000, now);
            atOnce++;
        }
        assertThat(atOnce).as("sends made at once after a 5-s pause at 1,000/s").isBetween(100, 102);
    }

    @Test
    void aRaisedRateSpacesTheNextSendByItsOwnInterval() {
        RatePacer pacer = new RatePacer();
        pacer.sent(0.001, 0);
        assertThat(pacer.waitNanos(0.001, 1_000 * MS)).as("a thousand seconds at the old rate").isGreaterThan(998_000 * MS);
        assertThat(pacer.waitNanos(2, 1_000 * MS)).as("raised to 2/s, a second after the last send").isZero();
    }
}
