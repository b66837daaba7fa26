package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.Durations;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.StandardWebhooks;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outcome rules of an attempt (README, "What a receiver gets") against real receivers on loopback, with an injected clock for the schedule. */
class DeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    MutableClock clock;
    Receiver receiver;
    TestServer server;
    ApiClient acme;

    @BeforeEach
    void start() {
        clock = MutableClock.startingNow();
        receiver = new Receiver();
        server = TestServer.withLoopbackReceivers(dir, clock, c -> c.withRetrySchedule(Durations.parseList("10s,1m")));
        acme = server.tenant("acme");
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.close();
    }

    record Hook(String id, String secret) {
    }

    Hook webhook(String path, String filters) {
        ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url(path) + "\"" + (filters == null ? "" : ",\"filters\":" + filters) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Hook(r.json().get("id").asText(), r.json().get("secret").asText());
    }

    JsonNode delivery(Hook hook, String eventId) {
        return acme.get("/v1/webhooks/" + hook.id() + "/deliveries/" + eventId).json();
    }

    void awaitStatus(Hook hook, String eventId, String status) {
        await(() -> status.equals(delivery(hook, eventId).path("status").asText()), WAIT, eventId + " to be " + status);
    }

    @Test
    void deliversFirstTimeSignedWithStandardWebhooksHeaders() {
        Hook hook = webhook("/orders", null);
        acme.post("/v1/events", "{\"event_id\":\"o-1\",\"event_type\":\"order.created\",\"entity_id\":\"o1\",\"data\":{\"total_amount\":12.50}}");
        await(() -> receiver.receivedFor("o-1").size() == 1, WAIT, "the delivery");
        Receiver.Received r = receiver.receivedFor("o-1").getFirst();

        String stored = acme.get("/v1/events/o-1").json().deepCopy().toString();
        JsonNode sent = acme.get("/v1/events/o-1").json();
        assertThat(r.body()).startsWith("{\"event_id\":\"o-1\",\"event_type\":\"order.created\",\"entity_id\":\"o1\",\"occurred_at\":");
        assertThat(r.body()).endsWith(",\"data\":{\"total_amount\":12.50}}");
        assertThat(stored).contains(sent.get("occurred_at").asText());
        assertThat(r.header("webhook-id")).startsWith("msg_");
        assertThat(Long.parseLong(r.header("webhook-timestamp"))).isCloseTo(clock.instant().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
        assertThat(StandardWebhooks.verifies(hook.secret(), r)).isTrue();
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("user-agent")).startsWith("Eventwire/");
        assertThat(r.header("eventwire-event-type")).isEqualTo("order.created");
        assertThat(r.header("eventwire-attempt")).isEqualTo("1");

        awaitStatus(hook, "o-1", "delivered");
        JsonNode d = delivery(hook, "o-1");
        assertThat(d.get("message_id").asText()).isEqualTo(r.header("webhook-id"));
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("last_status_code").asInt()).isEqualTo(200);
        assertThat(d.get("attempt_log")).hasSize(1);
        assertThat(d.get("attempt_log").get(0).get("trigger").asText()).isEqualTo("inline");
    }

    @Test
    void retriesFollowTheScheduleWithTheSameIdAndBody() {
        Hook hook = webhook("/flaky", null);
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> calls.incrementAndGet() == 1 ? new Receiver.Answer(500, Map.of(), "boom", Duration.ZERO) : Receiver.Answer.status(204));
        acme.post("/v1/events", "{\"event_id\":\"r-1\",\"event_type\":\"order.created\"}");
        await(() -> "pending".equals(delivery(hook, "r-1").path("status").asText()) && delivery(hook, "r-1").path("attempts").asInt() == 1, WAIT, "first failure recorded");

        JsonNode pending = delivery(hook, "r-1");
        Instant next = Instant.parse(pending.get("next_attempt_at").asText());
        assertThat(next).isBetween(clock.instant().plusSeconds(8), clock.instant().plusSeconds(12));
        assertThat(pending.get("last_status_code").asInt()).isEqualTo(500);
        assertThat(pending.get("last_error").asText()).isEqualTo("HTTP 500");
        assertThat(receiver.receivedFor("r-1")).hasSize(1);

        clock.advance(Duration.ofSeconds(12));
        awaitStatus(hook, "r-1", "delivered");
        List<Receiver.Received> both = receiver.receivedFor("r-1");
        assertThat(both).hasSize(2);
        assertThat(both.get(1).header("webhook-id")).isEqualTo(both.get(0).header("webhook-id"));
        assertThat(both.get(1).body()).isEqualTo(both.get(0).body());
        assertThat(both.get(1).header("eventwire-attempt")).isEqualTo("2");
        assertThat(StandardWebhooks.verifies(hook.secret(), both.get(1))).isTrue();
        JsonNode log = delivery(hook, "r-1").get("attempt_log");
        assertThat(log.findValuesAsText("trigger")).containsExactly("inline", "retry");
        assertThat(log.get(0).get("response_body").asText()).isEqualTo("boom");
    }

    /** A receiver's support request names the webhook-id it got: the delivery is found by it. */
    @Test
    void aDeliveryIsFoundByTheWebhookIdItsReceiverGot() {
        Hook hook = webhook("/orders", null);
        for (int i = 1; i <= 3; i++) acme.post("/v1/events", "{\"event_id\":\"m-" + i + "\",\"event_type\":\"order.created\"}");
        awaitStatus(hook, "m-3", "delivered");
        awaitStatus(hook, "m-2", "delivered");
        String messageId = receiver.receivedFor("m-2").get(0).header("webhook-id");
        String path = "/v1/webhooks/" + hook.id() + "/deliveries?message_id=" + messageId;
        JsonNode found = acme.get(path).json().get("deliveries");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("event_id").asText()).isEqualTo("m-2");
        assertThat(found.get(0).get("message_id").asText()).isEqualTo(messageId);
        assertThat(acme.get(path + "&status=delivered").json().get("deliveries")).hasSize(1);
        assertThat(acme.get(path + "&status=dead").json().get("deliveries")).isEmpty();
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries?message_id=msg_unknown").json().get("deliveries")).isEmpty();
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries").json().get("deliveries")).hasSize(3);
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries?message_id=").status()).as("an empty value, as for every parameter").isEqualTo(422);
        ApiClient.Response tooLong = acme.get("/v1/webhooks/" + hook.id() + "/deliveries?message_id=" + "m".repeat(65));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().at("/error/field").asText()).isEqualTo("message_id");
        assertThat(server.tenant("other").get(path).status()).as("another tenant's webhook").isEqualTo(404);
    }

    @Test
    void deadAfterTheLastAttemptThenRetryAndRecoverBringItBack() {
        Hook hook = webhook("/down", null);
        receiver.answerStatus(500);
        acme.post("/v1/events", "{\"event_id\":\"d-1\",\"event_type\":\"order.created\"}");
        await(() -> receiver.receivedFor("d-1").size() == 1, WAIT, "attempt 1");
        awaitAttempts(hook, "d-1", 1);
        clock.advance(Duration.ofSeconds(12));
        awaitAttempts(hook, "d-1", 2);
        clock.advance(Duration.ofSeconds(70));
        awaitStatus(hook, "d-1", "dead");
        assertThat(receiver.receivedFor("d-1")).hasSize(3);
        assertThat(delivery(hook, "d-1").get("next_attempt_at").isNull()).isTrue();
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries?status=dead").json().get("deliveries").findValuesAsText("event_id")).containsExactly("d-1");

        receiver.answerStatus(200);
        ApiClient.Response retried = acme.post("/v1/webhooks/" + hook.id() + "/deliveries/d-1/retry", "");
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        awaitStatus(hook, "d-1", "delivered");
        assertThat(receiver.receivedFor("d-1")).hasSize(4);
        assertThat(receiver.receivedFor("d-1").getLast().header("eventwire-attempt")).isEqualTo("4");
        assertThat(delivery(hook, "d-1").get("attempt_log").findValuesAsText("trigger")).containsExactly("inline", "retry", "retry", "manual");
        assertThat(acme.post("/v1/webhooks/" + hook.id() + "/deliveries/d-1/retry", "").status()).as("not dead any more").isEqualTo(409);

        receiver.answerStatus(500);
        acme.post("/v1/events", "{\"events\":[{\"event_id\":\"d-2\",\"event_type\":\"a.b\"},{\"event_id\":\"d-3\",\"event_type\":\"a.b\"}]}");
        awaitAttempts(hook, "d-2", 1);
        awaitAttempts(hook, "d-3", 1);
        clock.advance(Duration.ofSeconds(12));
        awaitAttempts(hook, "d-2", 2);
        awaitAttempts(hook, "d-3", 2);
        clock.advance(Duration.ofSeconds(70));
        awaitStatus(hook, "d-2", "dead");
        awaitStatus(hook, "d-3", "dead");
        receiver.answerStatus(200);
        ApiClient.Response recovered = acme.post("/v1/webhooks/" + hook.id() + "/recover", "{\"since\":\"" + clock.instant().minusSeconds(3600) + "\"}");
        assertThat(recovered.status()).isEqualTo(202);
        assertThat(recovered.json().get("requeued").asInt()).isEqualTo(2);
        awaitStatus(hook, "d-2", "delivered");
        awaitStatus(hook, "d-3", "delivered");
        assertThat(acme.post("/v1/webhooks/" + hook.id() + "/recover", "{\"since\":\"yesterday\"}").status()).isEqualTo(422);
    }

    void awaitAttempts(Hook hook, String eventId, int n) {
        await(() -> delivery(hook, eventId).path("attempts").asInt() == n, WAIT, eventId + " attempt " + n + " recorded");
    }

    @Test
    void goneDisablesTheWebhookAndKillsTheDelivery() {
        Hook hook = webhook("/gone", null);
        receiver.answerStatus(410);
        acme.post("/v1/events", "{\"event_id\":\"g-1\",\"event_type\":\"order.created\"}");
        awaitStatus(hook, "g-1", "dead");
        // The delivery file records the delivery dead; the webhook's disable commits a moment later in the
        // event log file (one transaction writes one file), so a read in between still sees it active.
        await(() -> !acme.get("/v1/webhooks/" + hook.id()).json().get("active").asBoolean(), WAIT, "the webhook to be disabled");
        JsonNode w = acme.get("/v1/webhooks/" + hook.id()).json();
        assertThat(w.get("active").asBoolean()).isFalse();
        assertThat(w.get("disabled_reason").asText()).contains("410");
        acme.post("/v1/events", "{\"event_id\":\"g-2\",\"event_type\":\"order.created\"}");
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries/g-2").status()).as("no deliveries for a disabled webhook").isEqualTo(404);
        assertThat(acme.post("/v1/webhooks/" + hook.id() + "/deliveries/g-1/retry", "").status()).isEqualTo(409);
    }

    @Test
    void retryAfterOn429And503PushesTheNextAttemptOut() {
        Hook hook = webhook("/busy", null);
        receiver.answer(r -> new Receiver.Answer(429, Map.of("Retry-After", "45"), "", Duration.ZERO));
        acme.post("/v1/events", "{\"event_id\":\"t-1\",\"event_type\":\"order.created\"}");
        awaitAttempts(hook, "t-1", 1);
        Instant next = Instant.parse(delivery(hook, "t-1").get("next_attempt_at").asText());
        assertThat(next).isAfterOrEqualTo(clock.instant().plusSeconds(45));

        receiver.answer(r -> new Receiver.Answer(503, Map.of("Retry-After", "3600"), "", Duration.ZERO));
        acme.post("/v1/events", "{\"event_id\":\"t-2\",\"event_type\":\"order.created\"}");
        awaitAttempts(hook, "t-2", 1);
        Instant capped = Instant.parse(delivery(hook, "t-2").get("next_attempt_at").asText());
        assertThat(capped).as("capped at the longest scheduled delay (1m)").isBefore(clock.instant().plusSeconds(61));
        assertThat(capped).isAfterOrEqualTo(clock.instant().plusSeconds(59));
    }

    @Test
    void retryAfterCountsFromTheAnswerNotFromTheRequest() {
        Hook hook = webhook("/slow-busy", null);
        // The receiver takes 3 s to say 503 with Retry-After 45.
        receiver.answer(r -> new Receiver.Answer(503, Map.of("Retry-After", "45"), "", Duration.ofSeconds(3)));
        acme.post("/v1/events", "{\"event_id\":\"s-1\",\"event_type\":\"order.created\"}");
        awaitAttempts(hook, "s-1", 1);
        JsonNode d = delivery(hook, "s-1");
        Instant attempted = Instant.parse(d.get("attempt_log").get(0).get("attempted_at").asText());
        Instant next = Instant.parse(d.get("next_attempt_at").asText());
        assertThat(Duration.between(attempted, next)).as("45 s after the answer, which came 3 s after the request")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(48)).isLessThan(Duration.ofSeconds(55));
        Instant updated = Instant.parse(d.get("updated_at").asText());
        assertThat(updated).as("the delivery changed when the answer came, not when the request went out").isEqualTo(next.minusSeconds(45));
    }

    @Test
    void redirectsAreNotFollowedAndCountAsFailures() {
        Hook hook = webhook("/moved", null);
        receiver.answer(r -> r.headers().containsKey("x-followed") ? Receiver.Answer.status(200)
                : new Receiver.Answer(302, Map.of("Location", receiver.url("/elsewhere")), "", Duration.ZERO));
        acme.post("/v1/events", "{\"event_id\":\"m-1\",\"event_type\":\"order.created\"}");
        awaitAttempts(hook, "m-1", 1);
        assertThat(delivery(hook, "m-1").get("status").asText()).isEqualTo("pending");
        assertThat(delivery(hook, "m-1").get("last_status_code").asInt()).isEqualTo(302);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void timeoutsAndRefusedConnectionsAreFailedAttempts(@TempDir Path other) throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (TestServer fast = TestServer.withLoopbackReceivers(other, clock, c -> c.withDeliveryTimeout(Duration.ofSeconds(1))
                .withRetrySchedule(Durations.parseList("10s")))) {
            ApiClient client = fast.tenant("acme");
            String refusedHook = client.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + closedPort + "/nobody\"}").json().get("id").asText();
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(5)));
            String slowHook = client.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/slow") + "\"}").json().get("id").asText();
            client.post("/v1/events", "{\"event_id\":\"x-1\",\"event_type\":\"order.created\"}");
            for (String hook : List.of(refusedHook, slowHook)) {
                await(() -> client.get("/v1/webhooks/" + hook + "/deliveries/x-1").json().path("attempts").asInt() == 1, WAIT, hook + " attempt 1");
            }
            JsonNode refused = client.get("/v1/webhooks/" + refusedHook + "/deliveries/x-1").json();
            assertThat(refused.get("status").asText()).isEqualTo("pending");
            assertThat(refused.get("last_error").asText()).startsWith("connection failed");
            assertThat(refused.get("last_status_code").isNull()).isTrue();
            JsonNode slow = client.get("/v1/webhooks/" + slowHook + "/deliveries/x-1").json();
            assertThat(slow.get("status").asText()).isEqualTo("pending");
            assertThat(slow.get("last_error").asText()).isEqualTo("timeout: no answer within the delivery timeout (1000 ms)");
            JsonNode attempt = slow.get("attempt_log").get(0);
            assertThat(attempt.get("success").asBoolean()).isFalse();
            assertThat(attempt.get("duration_ms").asLong()).isBetween(900L, 4000L);
        }
    }

    @Test
    void deletingOrDeactivatingAWebhookParksItsPendingDeliveries() {
        Hook deleted = webhook("/a", null);
        Hook paused = webhook("/b", null);
        receiver.answerStatus(500);
        acme.post("/v1/events", "{\"event_id\":\"p-1\",\"event_type\":\"order.created\"}");
        awaitAttempts(deleted, "p-1", 1);
        awaitAttempts(paused, "p-1", 1);

        assertThat(acme.patch("/v1/webhooks/" + paused.id(), "{\"active\":false}").json().get("active").asBoolean()).isFalse();
        JsonNode parked = delivery(paused, "p-1");
        assertThat(parked.get("status").asText()).isEqualTo("dead");
        assertThat(parked.get("last_error").asText()).isEqualTo("webhook removed");

        assertThat(acme.delete("/v1/webhooks/" + deleted.id()).status()).isEqualTo(204);
        assertThat(acme.get("/v1/webhooks/" + deleted.id()).status()).isEqualTo(404);
        clock.advance(Duration.ofSeconds(30));
        receiver.answerStatus(200);
        acme.post("/v1/events", "{\"event_id\":\"p-2\",\"event_type\":\"order.created\"}");
        assertThat(receiver.receivedFor("p-1")).as("no attempts after removal").hasSize(2);
        assertThat(receiver.receivedFor("p-2")).isEmpty();
    }

    @Test
    void aDuplicateEventCreatesNoSecondDelivery() {
        Hook hook = webhook("/dup", null);
        acme.post("/v1/events", "{\"event_id\":\"dup-1\",\"event_type\":\"order.created\"}");
        acme.post("/v1/events", "{\"event_id\":\"dup-1\",\"event_type\":\"order.created\"}");
        acme.post("/v1/events", "{\"events\":[{\"event_id\":\"dup-1\",\"event_type\":\"order.created\"}]}");
        awaitStatus(hook, "dup-1", "delivered");
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries").json().get("deliveries")).hasSize(1);
        assertThat(receiver.receivedFor("dup-1")).hasSize(1);
    }

    @Test
    void filtersDecideWhichWebhooksGetAnEvent() {
        Hook orders = webhook("/orders", "{\"event_types\":[\"order\"]}");
        Hook entity = webhook("/entity", "{\"entity_ids\":[\"o-42\",\"u-7\"]}");
        Hook bigPayments = webhook("/big", "{\"event_types\":[\"payment\"],\"min_amount\":100}");
        Hook all = webhook("/all", null);
        acme.post("/v1/events", "{\"events\":["
                + "{\"event_id\":\"f1\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":10}},"
                + "{\"event_id\":\"f2\",\"event_type\":\"orders.x\"},"
                + "{\"event_id\":\"f3\",\"event_type\":\"order\",\"entity_id\":\"o-42\"},"
                + "{\"event_id\":\"f4\",\"event_type\":\"page.viewed\",\"data\":{\"user_id\":\"u-7\"}},"
                + "{\"event_id\":\"f5\",\"event_type\":\"payment.completed\",\"data\":{\"amount\":150}},"
                + "{\"event_id\":\"f6\",\"event_type\":\"payment.completed\",\"data\":{\"total_amount\":50,\"amount\":500}},"
                + "{\"event_id\":\"f7\",\"event_type\":\"payment.completed\",\"data\":{\"amount\":\"900\"}},"
                + "{\"event_id\":\"f8\",\"event_type\":\"refund.issued\",\"data\":{\"order_id\":\"o-42\"}}]}");
        await(() -> receiver.received().size() == 2 + 3 + 1 + 8, WAIT, "all deliveries");
        assertThat(idsAt("/orders")).containsExactlyInAnyOrder("f1", "f3");
        assertThat(idsAt("/entity")).containsExactlyInAnyOrder("f3", "f4", "f8");
        assertThat(idsAt("/big")).containsExactlyInAnyOrder("f5");
        assertThat(idsAt("/all")).hasSize(8);
        assertThat(acme.get("/v1/webhooks/" + orders.id() + "/deliveries").json().get("deliveries")).hasSize(2);
        assertThat(entity.id()).isNotEqualTo(bigPayments.id()).isNotEqualTo(all.id());
    }

    Set<String> idsAt(String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).map(r -> r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1")).collect(Collectors.toSet());
    }

    @Test
    void webhooksAndDeliveriesAreTenantScoped() {
        Hook hook = webhook("/t", null);
        ApiClient globex = server.tenant("globex");
        globex.post("/v1/events", "{\"event_id\":\"g-only\",\"event_type\":\"order.created\"}");
        acme.post("/v1/events", "{\"event_id\":\"a-only\",\"event_type\":\"order.created\"}");
        awaitStatus(hook, "a-only", "delivered");
        assertThat(receiver.receivedFor("g-only")).as("no cross-tenant fan-out").isEmpty();
        assertThat(globex.get("/v1/webhooks/" + hook.id()).status()).isEqualTo(404);
        assertThat(globex.get("/v1/webhooks/" + hook.id() + "/deliveries").status()).isEqualTo(404);
        assertThat(globex.get("/v1/webhooks/" + hook.id() + "/secret").status()).isEqualTo(404);
        assertThat(globex.get("/v1/webhooks/" + hook.id() + "/logs").status()).isEqualTo(404);
        assertThat(globex.delete("/v1/webhooks/" + hook.id()).status()).isEqualTo(404);
        assertThat(globex.post("/v1/webhooks/" + hook.id() + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}").status()).isEqualTo(404);
        assertThat(globex.get("/v1/webhooks").json().get("webhooks")).isEmpty();
    }

    @Test
    void logsListAttemptsNewestFirst() {
        Hook hook = webhook("/logs", null);
        acme.post("/v1/events", "{\"event_id\":\"l-1\",\"event_type\":\"a.b\"}");
        awaitStatus(hook, "l-1", "delivered");
        acme.post("/v1/events", "{\"event_id\":\"l-2\",\"event_type\":\"a.b\"}");
        awaitStatus(hook, "l-2", "delivered");
        JsonNode logs = acme.get("/v1/webhooks/" + hook.id() + "/logs?limit=20").json().get("logs");
        assertThat(logs.findValuesAsText("event_id")).containsExactly("l-2", "l-1");
        JsonNode row = logs.get(0);
        for (String field : List.of("attempt_id", "webhook_id", "event_id", "message_id", "attempt", "trigger", "status_code", "success", "error",
                "duration_ms", "response_body", "attempted_at")) {
            assertThat(row.has(field)).as(field).isTrue();
        }
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/logs?limit=1").json().get("logs")).hasSize(1);
    }

    @Test
    void testSendsAWebhookTestEventWithUpTo3Attempts() {
        Hook hook = webhook("/test", null);
        JsonNode ok = acme.post("/v1/webhooks/" + hook.id() + "/test", "").json();
        assertThat(ok.get("success").asBoolean()).isTrue();
        assertThat(ok.get("status_code").asInt()).isEqualTo(200);
        assertThat(ok.get("attempts").asInt()).isEqualTo(1);
        assertThat(ok.get("event_type").asText()).isEqualTo("webhook.test");
        assertThat(ok.get("webhook_id").asText()).isEqualTo(hook.id());
        assertThat(ok.get("delivery_id").asText()).startsWith("msg_");
        Receiver.Received r = receiver.received().getLast();
        assertThat(r.header("eventwire-event-type")).isEqualTo("webhook.test");
        assertThat(StandardWebhooks.verifies(hook.secret(), r)).isTrue();

        receiver.answerStatus(500);
        JsonNode failed = acme.post("/v1/webhooks/" + hook.id() + "/test", "").json();
        assertThat(failed.get("success").asBoolean()).isFalse();
        assertThat(failed.get("attempts").asInt()).isEqualTo(3);
        assertThat(failed.get("status_code").asInt()).isEqualTo(500);
        assertThat(failed.get("error").asText()).isEqualTo("HTTP 500");
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/logs").json().get("logs").findValuesAsText("trigger")).containsOnly("test").hasSize(4);
        assertThat(acme.get("/v1/webhooks/" + hook.id() + "/deliveries").json().get("deliveries")).as("not queued").isEmpty();
    }

    /** Test and retry take no options: a field sent to them is refused, not silently ignored. */
    @Test
    void testAndRetryRefuseFieldsTheyDoNotTake() {
        Hook hook = webhook("/options", null);
        ApiClient.Response test = acme.post("/v1/webhooks/" + hook.id() + "/test", "{\"attempts\":1}");
        assertThat(test.status()).as(test.body()).isEqualTo(422);
        assertThat(test.json().get("error").get("code").asText()).isEqualTo("unknown_field");
        assertThat(test.json().get("error").get("field").asText()).isEqualTo("attempts");
        assertThat(receiver.received()).as("nothing sent").isEmpty();
        ApiClient.Response retry = acme.post("/v1/webhooks/" + hook.id() + "/deliveries/any/retry", "{\"force\":true}");
        assertThat(retry.status()).as(retry.body()).isEqualTo(422);
        assertThat(retry.json().get("error").get("field").asText()).isEqualTo("force");
        assertThat(acme.post("/v1/webhooks/" + hook.id() + "/test", "{}").json().get("success").asBoolean()).isTrue();
    }

    /** The caller waits for a test: a receiver that does not answer within the delivery timeout is reported after one attempt, not three. */
    @Test
    void aTestThatTimesOutIsNotTriedAgain(@TempDir Path other) {
        try (TestServer shortTimeout = TestServer.withLoopbackReceivers(other, clock, c -> c.withDeliveryTimeout(Duration.ofSeconds(1)));
             Receiver slow = new Receiver()) {
            slow.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(3)));
            ApiClient tenant = shortTimeout.tenant("acme");
            String hook = tenant.post("/v1/webhooks", "{\"url\":\"" + slow.url("/slow") + "\"}").json().get("id").asText();
            JsonNode timedOut = tenant.post("/v1/webhooks/" + hook + "/test", "").json();
            assertThat(timedOut.get("success").asBoolean()).isFalse();
            assertThat(timedOut.get("attempts").asInt()).isEqualTo(1);
            assertThat(timedOut.get("error").asText()).contains("timeout");
            assertThat(slow.received()).hasSize(1);
            assertThat(tenant.get("/v1/webhooks/" + hook + "/logs").json().get("logs")).hasSize(1);
        }
    }
}
