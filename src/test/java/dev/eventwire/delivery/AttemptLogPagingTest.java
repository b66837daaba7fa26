package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webhook's attempt log pages like every other listing: before, only its newest 1,000 attempts could be read. */
class AttemptLogPagingTest {
    @TempDir
    Path dir;

    @Test
    void theAttemptLogIsReadPageByPageNewestFirstWithNothingTwiceOrLeftOut() {
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}").json().get("id").asText();
            for (int i = 0; i < 25; i++) assertThat(acme.post("/v1/webhooks/" + hook + "/test", "").status()).isEqualTo(200);

            List<String> seen = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            Instant previous = Instant.MAX;
            String cursor = null;
            do {
                JsonNode page = acme.get("/v1/webhooks/" + hook + "/logs?limit=10" + (cursor == null ? "" : "&cursor=" + cursor)).json();
                pageSizes.add(page.get("logs").size());
                for (JsonNode attempt : page.get("logs")) {
                    Instant at = Instant.parse(attempt.get("attempted_at").asText());
                    assertThat(at).as("newest first").isBeforeOrEqualTo(previous);
                    previous = at;
                    seen.add(attempt.get("attempt_id").asText());
                }
                cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            } while (cursor != null);

            assertThat(pageSizes).containsExactly(10, 10, 5);
            assertThat(seen).hasSize(25).doesNotHaveDuplicates();
            ApiClient.Response forged = acme.get("/v1/webhooks/" + hook + "/logs?cursor=not-a-cursor");
            assertThat(forged.status()).isEqualTo(422);
            assertThat(forged.json().get("error").get("code").asText()).isEqualTo("invalid_cursor");
        }
    }

    /**
     * A cursor pages the listing that gave it. Deliveries and attempts are numbered in different sequences,
     * so a deliveries cursor sent to the attempt log (seen from outside) skipped three attempts, and one
     * sent to another webhook's deliveries started at a place that meant nothing there: both looked valid.
     */
    @Test
    void aCursorFromOneListingIsRefusedByAnother() {
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            String x = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/x") + "\"}").json().get("id").asText();
            String y = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/y") + "\"}").json().get("id").asText();
            for (int i = 0; i < 5; i++) {
                assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"n\":" + i + "}}").status()).isEqualTo(202);
                assertThat(acme.post("/v1/webhooks/" + x + "/test", "").status()).isEqualTo(200);
            }
            String deliveries = acme.get("/v1/webhooks/" + x + "/deliveries?limit=2").json().get("next_cursor").asText();
            String logs = acme.get("/v1/webhooks/" + x + "/logs?limit=2").json().get("next_cursor").asText();
            String events = acme.get("/v1/events?limit=2").json().get("next_cursor").asText();

            assertThat(acme.get("/v1/webhooks/" + x + "/deliveries?limit=2&cursor=" + deliveries).status()).isEqualTo(200);
            assertThat(acme.get("/v1/webhooks/" + x + "/deliveries?status=delivered&cursor=" + deliveries).status())
                    .as("other filters on the same listing start from its place").isEqualTo(200);
            assertThat(acme.get("/v1/webhooks/" + x + "/logs?limit=2&cursor=" + logs).status()).isEqualTo(200);
            for (String misplaced : List.of("/v1/webhooks/" + x + "/logs?cursor=" + deliveries, "/v1/webhooks/" + x + "/deliveries?cursor=" + logs,
                    "/v1/webhooks/" + y + "/deliveries?cursor=" + deliveries, "/v1/events?cursor=" + deliveries,
                    "/v1/webhooks/" + x + "/deliveries?cursor=" + events, "/v1/rejected-events?cursor=" + events)) {
                ApiClient.Response refused = acme.get(misplaced);
                assertThat(refused.status()).as(misplaced).isEqualTo(422);
                assertThat(refused.json().at("/error/code").asText()).as(misplaced).isEqualTo("invalid_cursor");
            }
        }
    }
}
