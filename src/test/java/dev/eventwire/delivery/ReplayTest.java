package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.EventBatches;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay: a webhook created after the events gets exactly the matching ones, once. */
class ReplayTest {
    @TempDir
    Path dir;

    static Set<String> eventIds(Receiver receiver) {
        return receiver.received().stream().map(r -> r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1")).collect(Collectors.toSet());
    }

    @Test
    void aWebhookCreatedAfterAThousandEventsGetsExactlyTheMatchingOnesOnce() throws Exception {
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            Instant start = Instant.now().minusSeconds(1);
            acme.post("/v1/events", EventBatches.batch("order.created", 0, 600));
            acme.post("/v1/events", EventBatches.batch("payment.failed", 0, 400));
            server.tenant("other").post("/v1/events", EventBatches.batch("order.created", 1000, 10));
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/late") + "\",\"filters\":{\"event_types\":[\"order\"]}}")
                    .json().get("id").asText();

            ApiClient.Response replayed = acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"" + start + "\"}");
            assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
            assertThat(replayed.json().get("queued").asInt()).isEqualTo(600);
            Receiver.await(() -> receiver.received().size() >= 600, Duration.ofSeconds(20), "600 replayed deliveries");
            assertThat(eventIds(receiver)).hasSize(600).allMatch(e -> e.startsWith("order.created-"));

            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"" + start + "\"}").json().get("queued").asInt())
                    .as("a second replay finds nothing missing").isZero();
            acme.patch("/v1/webhooks/" + id, "{\"filters\":{\"event_types\":[\"payment\"]}}");
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"" + start + "\",\"until\":\"" + Instant.now().plusSeconds(5) + "\"}")
                    .json().get("queued").asInt()).as("the current filters decide").isEqualTo(400);
            Receiver.await(() -> receiver.received().size() >= 1000, Duration.ofSeconds(20), "the payments too");
            Thread.sleep(300);
            assertThat(receiver.received()).as("each once").hasSize(1000);
            assertThat(eventIds(receiver)).hasSize(1000);
        }
    }

    @Test
    void aReplayStopsWhenItsWebhookIsDeactivatedMidway() throws Exception {
        int events = 30_000;
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            Instant start = Instant.now().minusSeconds(1);
            for (int from = 0; from < events; from += 1000) {
                assertThat(acme.post("/v1/events", EventBatches.batch("order.created", from, 1000)).status()).isEqualTo(200);
            }
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/stop") + "\"}").json().get("id").asText();
            java.util.concurrent.CompletableFuture<ApiClient.Response> replay = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"" + start + "\"}"));
            Thread.sleep(150);
            assertThat(acme.patch("/v1/webhooks/" + id, "{\"active\":false}").status()).isEqualTo(200);

            ApiClient.Response answer = replay.get(60, java.util.concurrent.TimeUnit.SECONDS);
            // It once went on for all 30,000, creating every delivery parked dead, and answered 202.
            assertThat(answer.status()).as(answer.body()).isEqualTo(409);
            assertThat(answer.json().get("error").get("code").asText()).isEqualTo("webhook_inactive");
            assertThat(answer.json().get("error").get("message").asText()).contains("during the replay");
            int created = 0;
            String cursor = null;
            do {
                ApiClient.Response page = acme.get("/v1/webhooks/" + id + "/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
                created += page.json().get("deliveries").size();
                cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            } while (cursor != null);
            assertThat(created).as("deliveries the replay created").isLessThan(events);
            assertThat(answer.json().get("error").get("queued").asInt()).as("the answer counts what it queued, as a number").isEqualTo(created);
        }
    }

    @Test
    void badRangesAndInactiveWebhooksAreRefused() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\"}").json().get("id").asText();
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"yesterday\"}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"2026-01-02T00:00:00Z\",\"until\":\"2026-01-01T00:00:00Z\"}").status())
                    .isEqualTo(422);
            // Digits past the sixth are dropped before the range is judged: these two are the same moment.
            ApiClient.Response sameMicrosecond = acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"2026-01-01T00:00:00Z\",\"until\":\"2026-01-01T00:00:00.0000001Z\"}");
            assertThat(sameMicrosecond.status()).isEqualTo(422);
            assertThat(sameMicrosecond.json().get("error").get("code").asText()).isEqualTo("invalid_range");
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"2026-01-01T00:00:00Z\",\"extra\":1}").status()).isEqualTo(422);
            ApiClient.Response future = acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"2999-01-01T00:00:00Z\"}");
            assertThat(future.status()).isEqualTo(422);
            assertThat(future.json().get("error").get("field").asText()).as("names the field sent").isEqualTo("since");
            assertThat(acme.post("/v1/webhooks/wh_nope/replay", "{\"since\":\"2026-01-01T00:00:00Z\"}").status()).isEqualTo(404);
            acme.patch("/v1/webhooks/" + id, "{\"active\":false}");
            ApiClient.Response inactive = acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"2026-01-01T00:00:00Z\"}");
            assertThat(inactive.status()).isEqualTo(409);
            assertThat(inactive.json().get("error").has("queued")).as("nothing was started: no count").isFalse();
        }
    }
    /**
     * Events accepted while a replay runs keep the deliveries they owe to every other webhook. A replay's
     * transaction on the delivery file wrote the rows of newly logged events as of its own snapshot of the
     * event log, older than what it had been told was logged, and moved its cursor past the rest: their
     * rows were never written — deliveries sent in memory were recorded nowhere, and one that failed would
     * never have been tried again (seen from outside, 2026-12-02: 58 of one webhook's deliveries in 9 s).
     */
    @Test
    void eventsAcceptedDuringAReplayKeepTheirDeliveriesToOtherWebhooks() throws Exception {
        try (Receiver steady = new Receiver(); Receiver late = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            Instant start = Instant.now().minusSeconds(1);
            for (int from = 0; from < 6_000; from += 1000) {
                assertThat(acme.post("/v1/events", EventBatches.batch("order.created", from, 1000)).status()).isEqualTo(200);
            }
            String steadyHook = acme.post("/v1/webhooks", "{\"url\":\"" + steady.url("/steady") + "\"}").json().get("id").asText();
            String lateHook = acme.post("/v1/webhooks", "{\"url\":\"" + late.url("/late") + "\"}").json().get("id").asText();

            java.util.concurrent.CompletableFuture<ApiClient.Response> replay = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> acme.post("/v1/webhooks/" + lateHook + "/replay", "{\"since\":\"" + start + "\"}"));
            List<String> during = new ArrayList<>();
            while (!replay.isDone() || during.size() < 200) {
                String id = "during-" + during.size();
                assertThat(acme.post("/v1/events", "{\"event_id\":\"" + id + "\",\"event_type\":\"page.viewed\"}").status()).isEqualTo(202);
                during.add(id);
            }
            assertThat(replay.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(202);

            Set<String> withDelivery = new java.util.HashSet<>();
            String cursor = null;
            do {
                ApiClient.Response page = acme.get("/v1/webhooks/" + steadyHook + "/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
                page.json().get("deliveries").forEach(d -> withDelivery.add(d.get("event_id").asText()));
                cursor = page.json().path("next_cursor").isTextual() ? page.json().get("next_cursor").asText() : null;
            } while (cursor != null);
            assertThat(during.stream().filter(id -> !withDelivery.contains(id)).toList())
                    .as("events accepted during the replay with no delivery to the other webhook").isEmpty();
            Receiver.await(() -> eventIds(steady).containsAll(during), Duration.ofSeconds(30), "every event accepted during the replay at the other webhook");
        }
    }
}
