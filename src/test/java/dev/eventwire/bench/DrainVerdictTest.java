package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrainVerdictTest {

    @Test
    void halfOfTheFasterRawRateAndTwentyThousandASecondMeetTheGoal() {
        DrainVerdict verdict = new DrainVerdict(21_000, 40_000, 42_000);
        assertThat(verdict.met()).isTrue();
        assertThat(verdict.describe()).contains("21000 deliveries/s = 50% of the faster raw rate (40000 before, 42000 after)").endsWith("met");
    }

    @Test
    void aSlowMinuteAroundOneRawMeasurementDoesNotFlatterTheDrain() {
        // Half of the raw rate measured before, but the machine was a third faster right after the drain.
        DrainVerdict verdict = new DrainVerdict(21_000, 42_000, 56_000);
        assertThat(verdict.shareOfRaw()).isEqualTo(0.375);
        assertThat(verdict.met()).isFalse();
        assertThat(verdict.describe()).endsWith("missed");
    }

    @Test
    void aDrainUnderTwentyThousandASecondMissesTheGoalHoweverSlowRawWas() {
        assertThat(new DrainVerdict(15_000, 14_000, 15_000).met()).isFalse();
    }
}
