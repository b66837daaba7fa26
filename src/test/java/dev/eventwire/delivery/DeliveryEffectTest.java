package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A webhook disabled at once (a 410) took the attempt's time to the nanosecond into its operational event's
 * {@code failing_since}, while every other time the service shows has six fraction digits (seen from outside).
 */
class DeliveryEffectTest {
    private static final Instant NANOS = Instant.parse("2026-12-02T04:43:39.389485304Z");
    private static final Instant MICROS = Instant.parse("2026-12-02T04:43:39.389485Z");

    @Test
    void webhookChangesCarryTimesToTheMicrosecond() {
        DeliveryEffect.WebhookDisabled disabled = new DeliveryEffect.WebhookDisabled("acme", "wh_1", "endpoint answered 410 Gone", NANOS, NANOS);
        assertThat(disabled.failingSince()).isEqualTo(MICROS);
        assertThat(disabled.at()).isEqualTo(MICROS);
        DeliveryEffect.WebhookRecovered recovered = new DeliveryEffect.WebhookRecovered("acme", "wh_1", NANOS, NANOS);
        assertThat(recovered.failingSince().toString()).isEqualTo("2026-12-02T04:43:39.389485Z");
        assertThat(recovered.at()).isEqualTo(MICROS);
    }
}
