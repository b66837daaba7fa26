package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundedOptionTest {
    private final BoundedOption schedule = new BoundedOption("--retry-schedule", "EVENTWIRE_RETRY_SCHEDULE");

    /** As in the other comma-separated options: "5s, 5m" was refused while --egress-allow took "a, b". */
    @Test
    void spacesAroundTheEntriesOfAListAreLeftOut() {
        assertThat(schedule.durations("5s, 5m ,30m", Duration.ZERO, Duration.ofDays(365), 100))
                .containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));
        assertThatThrownBy(() -> schedule.durations("5s, ,5m", Duration.ZERO, Duration.ofDays(365), 100)).isInstanceOf(BoundedOption.OptionValueException.class);
    }

    /** A value in range but not written as a duration says how to write one; one too large only says the range. */
    @Test
    void aValueNotWrittenAsADurationIsToldHowToWriteOne() {
        BoundedOption timeout = new BoundedOption("--delivery-timeout", "EVENTWIRE_DELIVERY_TIMEOUT");
        assertThatThrownBy(() -> timeout.duration("1.5s", Duration.ofMillis(100), Duration.ofHours(1)))
                .hasMessageContaining("such as 1500ms").hasMessageEndingWith("(got '1.5s')");
        assertThatThrownBy(() -> timeout.duration("2h", Duration.ofMillis(100), Duration.ofHours(1)))
                .hasMessage("--delivery-timeout (or EVENTWIRE_DELIVERY_TIMEOUT) must be a duration from 100ms to 1h (got '2h')");
    }
}
