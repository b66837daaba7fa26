package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Durations;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-disable and operational events, with an injected clock: a webhook that fails for five days is
 * disabled; a dead delivery, a disabled webhook and a recovered one become events in the tenant's log,
 * delivered to a subscriber; a dead subscriber of those events causes no more of them.
 */
class AutoDisableTest {
    @TempDir
    Path dir;

    static List<String> types(Receiver r) {
        return r.received().stream().map(x -> x.header("eventwire-event-type")).toList();
    }

    @Test
    void failingForFiveDaysDisablesAndEveryChangeIsAnEventASubscriberReceives() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (Receiver failing = new Receiver(); Receiver flapping = new Receiver(); Receiver ops = new Receiver(); Receiver deadOps = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c.withRetrySchedule(Durations.parseList("1h")))) {
            failing.answerStatus(500);
            deadOps.answerStatus(500);
            ApiClient acme = server.tenant("acme");
            String a = acme.post("/v1/webhooks", "{\"url\":\"" + failing.url("/a") + "\",\"filters\":{\"event_types\":[\"order\"]}}").json().get("id").asText();
            String b = acme.post("/v1/webhooks", "{\"url\":\"" + flapping.url("/b") + "\",\"filters\":{\"event_types\":[\"payment\"]}}").json().get("id").asText();
            acme.post("/v1/webhooks", "{\"url\":\"" + ops.url("/ops") + "\",\"filters\":{\"event_types\":[\"eventwire\"]}}");
            String deadSubscriber = acme.post("/v1/webhooks", "{\"url\":\"" + deadOps.url("/dead-ops") + "\",\"filters\":{\"event_types\":[\"eventwire\"]}}")
                    .json().get("id").asText();

            // A delivery that runs out of attempts (two: the schedule has one retry) becomes eventwire.delivery.dead.
            acme.post("/v1/events", "{\"event_id\":\"e1\",\"event_type\":\"order.created\"}");
            Receiver.await(() -> failing.received().size() == 1, Duration.ofSeconds(10), "first attempt");
            clock.advance(Duration.ofHours(2));
            Receiver.await(() -> types(ops).contains("eventwire.delivery.dead"), Duration.ofSeconds(10), "a delivery.dead event");
            JsonNode dead = new dev.eventwire.support.Json().read(ops.received().getFirst().body());
            assertThat(dead.get("entity_id").asText()).isEqualTo(a);
            assertThat(dead.get("data").get("event_id").asText()).isEqualTo("e1");
            assertThat(dead.get("data").get("webhook_id").asText()).isEqualTo(a);
            assertThat(acme.get("/v1/webhooks/" + a).json().get("active").asBoolean()).as("two days of failure are not five").isTrue();

            // Five days after the first failure, the next failure disables it.
            clock.advance(Duration.ofDays(5));
            acme.post("/v1/events", "{\"event_id\":\"e2\",\"event_type\":\"order.created\"}");
            Receiver.await(() -> types(ops).contains("eventwire.webhook.disabled"), Duration.ofSeconds(10), "a webhook.disabled event");
            JsonNode hook = acme.get("/v1/webhooks/" + a).json();
            assertThat(hook.get("active").asBoolean()).isFalse();
            assertThat(hook.get("disabled_reason").asText()).startsWith("every attempt failed since ");
            int attemptsBefore = failing.received().size();
            acme.post("/v1/events", "{\"event_id\":\"e3\",\"event_type\":\"order.created\"}");
            Thread.sleep(500);
            assertThat(failing.received()).as("nothing more is sent to a disabled webhook").hasSize(attemptsBefore);

            // A webhook that fails for a while and then succeeds reports its recovery.
            flapping.answerStatus(503);
            acme.post("/v1/events", "{\"event_id\":\"p1\",\"event_type\":\"payment.failed\"}");
            Receiver.await(() -> flapping.received().size() == 1, Duration.ofSeconds(10), "a failed attempt");
            flapping.answerStatus(200);
            clock.advance(Duration.ofHours(2));
            Receiver.await(() -> types(ops).contains("eventwire.webhook.recovered"), Duration.ofSeconds(10), "a webhook.recovered event");
            JsonNode recovered = new dev.eventwire.support.Json().read(ops.received().stream()
                    .filter(r -> r.header("eventwire-event-type").equals("eventwire.webhook.recovered")).findFirst().orElseThrow().body());
            assertThat(recovered.get("data").get("webhook_id").asText()).isEqualTo(b);

            // The dead subscriber's deliveries of operational events die too (two attempts each), and produce none.
            clock.advance(Duration.ofHours(2));
            Receiver.await(() -> acme.get("/v1/events?event_type=eventwire&limit=100").json().get("events").size() >= 3, Duration.ofSeconds(10), "3 events");
            Thread.sleep(1000);
            List<String> logged = acme.get("/v1/events?event_type=eventwire&limit=100").json().get("events").findValuesAsText("event_type");
            assertThat(logged.stream().filter(t -> t.equals("eventwire.delivery.dead"))).as("the dead subscriber's own deaths make no events")
                    .hasSize(1);
            assertThat(logged.stream().filter(t -> t.equals("eventwire.webhook.recovered"))).hasSize(1);
            // The dead subscriber itself failed for five days too (since its first attempt) and was disabled: that is news, not a loop.
            List<String> disabledHooks = new java.util.ArrayList<>();
            for (JsonNode e : acme.get("/v1/events?event_type=eventwire.webhook.disabled&limit=100").json().get("events")) {
                disabledHooks.add(e.get("data").get("webhook_id").asText());
            }
            assertThat(disabledHooks).containsExactlyInAnyOrder(a, deadSubscriber);
            assertThat(deadOps.received()).as("the dead subscriber was tried").isNotEmpty();
        }
    }
    @Test
    void aDeliveryThatDiesAgainAfterAManualRetryIsReportedAgain() {
        MutableClock clock = MutableClock.startingNow();
        try (Receiver failing = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c.withRetrySchedule(Durations.parseList("1h")))) {
            failing.answerStatus(500);
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + failing.url("/a") + "\"}").json().get("id").asText();
            acme.post("/v1/events", "{\"event_id\":\"e1\",\"event_type\":\"order.created\"}");
            Receiver.await(() -> failing.received().size() == 1, Duration.ofSeconds(10), "first attempt");
            clock.advance(Duration.ofHours(2));
            Receiver.await(() -> deaths(acme).size() == 1, Duration.ofSeconds(10), "the first death reported");

            ApiClient.Response retry = acme.post("/v1/webhooks/" + hook + "/deliveries/e1/retry", "");
            assertThat(retry.status()).as(retry.body()).isBetween(200, 299);
            Receiver.await(() -> failing.received().size() == 3, Duration.ofSeconds(10), "the retried delivery's first attempt");
            clock.advance(Duration.ofHours(2));
            Receiver.await(() -> deaths(acme).size() == 2, Duration.ofSeconds(10), "the second death reported too");
            assertThat(deaths(acme).stream().map(e -> e.get("data").get("attempts").asInt()).toList()).as("newest first").containsExactly(4, 2);
        }
    }

    private static List<JsonNode> deaths(ApiClient acme) {
        List<JsonNode> out = new java.util.ArrayList<>();
        acme.get("/v1/events?event_type=eventwire.delivery.dead&limit=100").json().get("events").forEach(out::add);
        return out;
    }
}
