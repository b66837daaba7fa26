package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a warm-up stops: never before the length asked for, then once the compiler has been quiet, at the latest at the cap. */
class WarmUpEndTest {
    private final WarmUpEnd end = WarmUpEnd.forLength(Duration.ofSeconds(30));

    @Test
    void aQuietCompilerDoesNotCutTheLengthAskedFor() {
        assertThat(end.reached(Duration.ofSeconds(29), 29)).isFalse();
        assertThat(end.reached(Duration.ofSeconds(30), 30)).isTrue();
    }

    @Test
    void afterTheLengthItGoesOnWhileTheCompilerIsBusyAndStopsAfterTwoQuietSeconds() {
        assertThat(end.reached(Duration.ofSeconds(31), 0)).isFalse();
        assertThat(end.reached(Duration.ofSeconds(45), 1)).isFalse();
        assertThat(end.reached(Duration.ofSeconds(46), 2)).isTrue();
    }

    @Test
    void aCompilerThatNeverSettlesStillLetsTheServerStartAtThreeTimesTheLength() {
        assertThat(end.cap()).isEqualTo(Duration.ofSeconds(90));
        assertThat(end.reached(Duration.ofSeconds(89), 0)).isFalse();
        assertThat(end.reached(Duration.ofSeconds(90), 0)).isTrue();
    }

    @Test
    void aSecondIsQuietBelowATenthOfASecondOfCompiling() {
        assertThat(WarmUpEnd.quiet(0)).isTrue();
        assertThat(WarmUpEnd.quiet(99)).isTrue();
        assertThat(WarmUpEnd.quiet(100)).isFalse();
        assertThat(WarmUpEnd.quiet(1800)).isFalse();
    }

    @Test
    void aCapBelowTheMinimumIsRefused() {
        assertThatThrownBy(() -> new WarmUpEnd(Duration.ofSeconds(10), Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
    }
}
