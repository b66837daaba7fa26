package dev.eventwire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the delivery poller asks of the registry before it asks the store: does every active webhook pass? */
class WebhookRegistryTest {
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

    private static Webhook webhook(String tenant, String id, boolean active) {
        return new Webhook(id, tenant, "https://example.com/" + id, Optional.empty(), WebhookFilters.NONE, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                Optional.empty(), active, Optional.empty(), NOW, NOW, Optional.empty(), Ordering.NONE);
    }

    @Test
    void noActiveWebhookMeansNotEveryOnePasses() {
        WebhookRegistry registry = new WebhookRegistry();
        assertThat(registry.everyActive(id -> true)).isFalse();
        registry.put(webhook("acme", "wh_off", false));
        assertThat(registry.everyActive(id -> true)).as("only an inactive webhook").isFalse();
    }

    @Test
    void everyActiveWebhookOfEveryTenantIsAskedAndInactiveOnesAreNot() {
        WebhookRegistry registry = new WebhookRegistry();
        registry.put(webhook("acme", "wh_a1", true));
        registry.put(webhook("acme", "wh_a2", true));
        registry.put(webhook("globex", "wh_g1", true));
        registry.put(webhook("globex", "wh_off", false));

        List<String> asked = new ArrayList<>();
        assertThat(registry.everyActive(id -> asked.add(id))).isTrue();
        assertThat(asked).containsExactlyInAnyOrder("wh_a1", "wh_a2", "wh_g1");

        assertThat(registry.everyActive(id -> !id.equals("wh_g1"))).isFalse();
    }
}
