package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SendAllowanceTest {
    private static final AttemptResult TIMED_OUT = new AttemptResult.Failed(Optional.empty(), "timeout", "", 15_000);
    private static final AttemptResult REFUSED = new AttemptResult.Failed(Optional.empty(), "connection failed", "", 2);
    private static final AttemptResult SLOW_500 = new AttemptResult.Failed(Optional.of(500), "status 500", "", 14_000);

    @Test
    void requestsThatGetNoAnswerHalveTheAllowanceDownToOne() {
        SendAllowance allowance = new SendAllowance(32, Duration.ofSeconds(15));
        allowance.record(TIMED_OUT);
        assertThat(allowance.allowed()).isEqualTo(16);
        for (int i = 0; i < 10; i++) allowance.record(TIMED_OUT);
        assertThat(allowance.allowed()).isEqualTo(1);
    }

    @Test
    void everyAnswerRaisesItByOneUpToTheCap() {
        SendAllowance allowance = new SendAllowance(32, Duration.ofSeconds(15));
        for (int i = 0; i < 10; i++) allowance.record(TIMED_OUT);
        allowance.record(SLOW_500);
        assertThat(allowance.allowed()).isEqualTo(2);
        allowance.record(new AttemptResult.Throttled(429, "", Duration.ofSeconds(5), 3));
        allowance.record(new AttemptResult.Delivered(200, "", 3));
        assertThat(allowance.allowed()).isEqualTo(4);
        for (int i = 0; i < 100; i++) allowance.record(new AttemptResult.Delivered(200, "", 3));
        assertThat(allowance.allowed()).isEqualTo(32);
    }

    @Test
    void withAShortDeliveryTimeoutItsTimeoutsCountAsNoAnswer() {
        SendAllowance allowance = new SendAllowance(32, Duration.ofMillis(500));
        allowance.record(new AttemptResult.Failed(Optional.empty(), "timeout", "", 500));
        assertThat(allowance.allowed()).isEqualTo(16);
    }

    @Test
    void aFastFailureChangesNothing() {
        SendAllowance allowance = new SendAllowance(32, Duration.ofSeconds(15));
        allowance.record(TIMED_OUT);
        allowance.record(REFUSED);
        assertThat(allowance.allowed()).isEqualTo(16);
    }
}
