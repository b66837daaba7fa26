package dev.eventwire.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on a running server, with an injected clock: old rows go, kept windows still read right. */
class RetentionTest {
    @TempDir
    Path dir;

    static String order(String id, int amount) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":" + amount + "}}";
    }

    @Test
    void eventsOlderThanTheRetentionGoAndMetricsOverKeptWindowsStayRight() {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer server = TestServer.start(dir, c -> c.withRetention(Duration.ofDays(35)), clock)) {
            ApiClient acme = server.tenant("acme");
            for (int i = 0; i < 3; i++) assertThat(acme.post("/v1/events", order("old-" + i, 10)).status()).isEqualTo(202);
            assertThat(acme.get("/v1/metrics/revenue?window=24h").json().get("value").asInt()).isEqualTo(30);

            clock.advance(Duration.ofDays(36));
            for (int i = 0; i < 2; i++) assertThat(acme.post("/v1/events", order("new-" + i, 20)).status()).isEqualTo(202);
            server.app().awaitMetricRollups();
            Map<Retained, Integer> removed = server.app().runRetention();
            assertThat(removed.get(Retained.EVENTS)).isEqualTo(3);
            assertThat(removed.get(Retained.METRIC_POINTS)).as("their metric points too").isPositive();

            assertThat(acme.get("/v1/events/old-0").status()).isEqualTo(404);
            assertThat(acme.get("/v1/events/new-0").status()).isEqualTo(200);
            assertThat(acme.get("/v1/events").json().get("events")).hasSize(2);
            for (String window : new String[] {"5m", "24h", "7d", "30d"}) {
                assertThat(acme.get("/v1/metrics/revenue?window=" + window).json().get("value").asInt()).as(window).isEqualTo(40);
            }
            assertThat(server.app().runRetention().values()).as("nothing left to remove").containsOnly(0);
        }
    }
}
