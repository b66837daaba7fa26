package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    static final List<Duration> DEFAULT = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
            Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    /** A receiver asking for more seconds than a long holds is asking for the longest wait, which the schedule then caps. */
    @Test
    void aRetryAfterBeyondALongIsTheLongestWaitCapped() {
        for (String huge : List.of("9223372036854775808", "99999999999999999999", "9".repeat(400))) {
            Optional<Duration> asked = HttpSender.parseRetryAfter(huge);
            assertThat(asked).as(huge).contains(Duration.ofSeconds(Long.MAX_VALUE));
            assertThat(new RetryPolicy(DEFAULT, () -> 0.5).delayAfter(1, asked)).as(huge).contains(Duration.ofHours(10));
        }
        assertThat(OutcomePolicy.retryAfterText(HttpSender.parseRetryAfter("99999999999999999999").orElseThrow()))
                .as("as the attempt log shows it").isEqualTo("Retry-After longer than any retry delay");
        assertThat(OutcomePolicy.retryAfterText(HttpSender.parseRetryAfter("45").orElseThrow())).isEqualTo("Retry-After 45s");
        assertThat(HttpSender.parseRetryAfter("9223372036854775807")).contains(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(HttpSender.parseRetryAfter("30")).contains(Duration.ofSeconds(30));
        assertThat(HttpSender.parseRetryAfter("-1")).isEmpty();
        assertThat(HttpSender.parseRetryAfter("1e9")).isEmpty();
    }

    /** A date is read whatever weekday it names: with a wrong one the receiver's wait was ignored. */
    @Test
    void aRetryAfterDateIsTheTimeUntilItWhateverItsWeekday() {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T12:00:00Z");
        assertThat(HttpSender.parseRetryAfter("Sun, 06 Dec 2026 13:00:00 GMT", now)).contains(Duration.ofHours(1));
        assertThat(HttpSender.parseRetryAfter("Wed, 06 Dec 2026 13:00:00 GMT", now)).as("a wrong weekday").contains(Duration.ofHours(1));
        assertThat(HttpSender.parseRetryAfter("06 Dec 2026 13:00:00 GMT", now)).as("no weekday").contains(Duration.ofHours(1));
        assertThat(HttpSender.parseRetryAfter("Sun, 06 Dec 2026 11:00:00 GMT", now)).as("a date passed").contains(Duration.ZERO);
        Optional<Duration> farAhead = HttpSender.parseRetryAfter("Wed, 21 Oct 2999 07:28:00 GMT", now);
        assertThat(new RetryPolicy(DEFAULT, () -> 0.5).delayAfter(1, farAhead)).as("capped as seconds are").contains(Duration.ofHours(10));
        assertThat(HttpSender.parseRetryAfter("Sun, 32 Dec 2026 13:00:00 GMT", now)).isEmpty();
        assertThat(HttpSender.parseRetryAfter("tomorrow", now)).isEmpty();
    }

    @Test
    void budgetIsScheduleLengthPlusOne() {
        RetryPolicy policy = new RetryPolicy(DEFAULT, () -> 0.5);
        assertThat(policy.maxAttempts()).isEqualTo(8);
        assertThat(policy.delayAfter(7, Optional.empty())).contains(Duration.ofHours(10));
        assertThat(policy.delayAfter(8, Optional.empty())).as("after the last attempt: dead").isEmpty();
    }

    @Test
    void jitterStaysWithinTenPercentOfEachDelay() {
        Random random = new Random(42);
        RetryPolicy policy = new RetryPolicy(DEFAULT, random::nextDouble);
        for (int attempt = 1; attempt <= 7; attempt++) {
            Duration base = DEFAULT.get(attempt - 1);
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long d = policy.delayAfter(attempt, Optional.empty()).orElseThrow().toMillis();
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(min).isGreaterThanOrEqualTo(Math.round(base.toMillis() * 0.9));
            assertThat(max).isLessThanOrEqualTo(Math.round(base.toMillis() * 1.1));
            assertThat(max - min).as("jitter actually varies").isGreaterThan(base.toMillis() / 10);
        }
    }

    @Test
    void retryAfterRaisesTheDelayButIsCappedAtTheLongestScheduledDelay() {
        RetryPolicy policy = new RetryPolicy(DEFAULT, () -> 0.5);
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(120)))).contains(Duration.ofSeconds(120));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(1)))).as("never shorter than the schedule").contains(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofDays(3)))).contains(Duration.ofHours(10));
    }
}
