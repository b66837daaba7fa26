package dev.eventwire.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * When a webhook counts as dead or recovered. {@code disableAfter}: a webhook whose every attempt has
 * failed for this long is disabled. {@code recoveredAfter}: a success after failing at least this long
 * is reported as a recovery (shorter blips are not news).
 */
public record WebhookHealthRule(Duration disableAfter, Duration recoveredAfter) {
    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);
    public static final Duration DEFAULT_RECOVERED_AFTER = Duration.ofMinutes(10);

    public static WebhookHealthRule disablingAfter(Duration disableAfter) {
        return new WebhookHealthRule(disableAfter, DEFAULT_RECOVERED_AFTER.compareTo(disableAfter) < 0 ? DEFAULT_RECOVERED_AFTER : disableAfter);
    }

    public boolean disables(Instant failingSince, Instant now) {
        return !failingSince.isAfter(now.minus(disableAfter));
    }

    public boolean recovery(Instant failingSince, Instant now) {
        return !failingSince.isAfter(now.minus(recoveredAfter));
    }

    public static String reason(Instant failingSince) {
        return "every attempt failed since " + failingSince;
    }
}
