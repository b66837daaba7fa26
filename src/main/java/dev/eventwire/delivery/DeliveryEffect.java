package dev.eventwire.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What recording attempt outcomes changed beyond the deliveries themselves. */
public sealed interface DeliveryEffect {
    /** A delivery ran out of attempts; the store keeps it until {@link UnreportedEffects#effectsReported} is told. */
    record DeliveryDied(DeadDelivery dead) implements DeliveryEffect {
    }

    /** Every attempt to the webhook failed for the configured period: it was disabled and its pending deliveries parked; kept like a death. */
    record WebhookDisabled(String tenant, String webhookId, String reason, Instant failingSince, Instant at) implements DeliveryEffect {
        /** Times to the microsecond, as the store keeps them: the report reads the same before and after a restart. */
        public WebhookDisabled {
            failingSince = failingSince.truncatedTo(ChronoUnit.MICROS);
            at = at.truncatedTo(ChronoUnit.MICROS);
        }
    }

    /** An attempt to a webhook that had been failing for a while succeeded; kept like a death. */
    record WebhookRecovered(String tenant, String webhookId, Instant failingSince, Instant at) implements DeliveryEffect {
        public WebhookRecovered {
            failingSince = failingSince.truncatedTo(ChronoUnit.MICROS);
            at = at.truncatedTo(ChronoUnit.MICROS);
        }
    }
}
