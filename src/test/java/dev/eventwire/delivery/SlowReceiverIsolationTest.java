package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.eventwire.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receivers that do not answer cost the process few of its request slots: a tenant's share of them is
 * capped, and a webhook whose requests time out is sent one request at a time until it answers again.
 * Real receivers on loopback, real DuckDB.
 */
class SlowReceiverIsolationTest {
    @TempDir
    Path dir;

    private static String batch(String prefix, int count) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < count; i++) b.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(prefix).append(i).append("\",\"event_type\":\"order.created\"}");
        return b.append("]}").toString();
    }

    /** 20 webhooks of {@code tenant} on {@code receiver}, 100 events each (2,000 deliveries). */
    private static void twentyWebhooksWithABacklog(ApiClient tenant, Receiver receiver) {
        for (int h = 0; h < 20; h++) tenant.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/" + tenant.key().hashCode() + "/h" + h) + "\"}");
        assertThat(tenant.post("/v1/events", batch("backlog-", 100)).status()).isEqualTo(200);
    }

    /** Another tenant's single events reach its healthy receiver with accepted → received p99 under a second. */
    private static void assertServedPromptly(ApiClient tenant, Receiver healthy) {
        tenant.post("/v1/webhooks", "{\"url\":\"" + healthy.url("/fast") + "\"}");
        AcceptedToReceived timing = new AcceptedToReceived();
        timing.postSingles(tenant, "ok-", 200);
        await(() -> healthy.received().size() >= 200, Duration.ofSeconds(20), "the other tenant's deliveries");
        assertThat(timing.p99Millis(healthy.received())).as("the other tenant's accepted → received p99, ms").isLessThan(1000);
    }

    @Test
    void aTenantWhoseWebhooksHangDoesNotDelayAnotherTenant() {
        try (Receiver hanging = new Receiver(); Receiver healthy = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(40)))) {
            // No attempt times out during the test: what hangs holds its slots for the whole of it.
            hanging.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            twentyWebhooksWithABacklog(server.tenant("beta"), hanging);
            // 20 webhooks × 32 requests each would be more than the process's 512 slots.
            // Its webhooks fill its 128 slots but for the few kept for a webhook of it that holds none (at most half of the
            // least any of them holds).
            await(() -> hanging.received().size() >= 120, Duration.ofSeconds(20), "the hanging tenant's requests in flight");
            assertServedPromptly(server.tenant("acme"), healthy);
            assertThat(hanging.received().size()).as("the hanging tenant holds at most a quarter of the process's slots").isLessThanOrEqualTo(128);
        }
    }

    /**
     * Within a tenant too: five of its webhooks that hang (5 × 32 requests, more than the tenant's 128) once
     * held every slot of the tenant, and its healthy webhook's deliveries waited a delivery timeout each
     * (p50 12 s of a 15 s timeout in an outside check).
     */
    @Test
    void aTenantsHangingWebhooksDoNotDelayItsHealthyOne() {
        try (Receiver hanging = new Receiver(); Receiver healthy = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(40)))) {
            hanging.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            ApiClient beta = server.tenant("beta");
            for (int h = 0; h < 5; h++) beta.post("/v1/webhooks", "{\"url\":\"" + hanging.url("/h" + h) + "\",\"filters\":{\"event_types\":[\"order\"]}}");
            assertThat(beta.post("/v1/events", batch("backlog-", 100)).status()).isEqualTo(200);
            await(() -> hanging.received().size() >= 100, Duration.ofSeconds(20), "the hanging webhooks' requests in flight");
            beta.post("/v1/webhooks", "{\"url\":\"" + healthy.url("/fast") + "\",\"filters\":{\"event_types\":[\"ping\"]}}");
            AcceptedToReceived timing = new AcceptedToReceived();
            timing.postSingles(beta, "ok-", 100, "ping");
            await(() -> healthy.received().size() >= 100, Duration.ofSeconds(30), "the healthy webhook's deliveries");
            assertThat(timing.p99Millis(healthy.received())).as("the healthy webhook's accepted → received p99, ms").isLessThan(1000);
        }
    }

    @Test
    void lanesHoldingTheMemoryBudgetDoNotStopAnotherTenantsClaims() {
        try (Receiver hanging = new Receiver(); Receiver healthy = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(40)))) {
            hanging.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            // 10 hanging webhooks × 1,000 events of 7.5 KB: 75 MB of bodies waiting in lanes, over the 64 MiB
            // the engine claims up to. Before, claims stopped for everyone until those lanes drained: hours.
            ApiClient beta = server.tenant("beta");
            for (int h = 0; h < 10; h++) beta.post("/v1/webhooks", "{\"url\":\"" + hanging.url("/h" + h) + "\"}");
            String pad = "x".repeat(7_500);
            for (int part = 0; part < 2; part++) {
                StringBuilder b = new StringBuilder("{\"events\":[");
                for (int i = 0; i < 500; i++) {
                    b.append(i == 0 ? "" : ",").append("{\"event_id\":\"big-").append(part).append('-').append(i)
                            .append("\",\"event_type\":\"order.created\",\"data\":{\"pad\":\"").append(pad).append("\"}}");
                }
                assertThat(beta.post("/v1/events", b.append("]}").toString()).status()).isEqualTo(200);
            }
            // Another tenant's work that waits in the store (a replay of events from before its webhook) is claimed.
            ApiClient acme = server.tenant("acme");
            java.time.Instant start = java.time.Instant.now().minusSeconds(5);
            assertThat(acme.post("/v1/events", batch("past-", 50)).status()).isEqualTo(200);
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + healthy.url("/replayed") + "\"}").json().get("id").asText();
            assertThat(acme.post("/v1/webhooks/" + id + "/replay", "{\"since\":\"" + start + "\"}").json().get("queued").asInt()).isEqualTo(50);
            await(() -> healthy.received().size() >= 50, Duration.ofSeconds(10), "the other tenant's replayed deliveries");
        }
    }

    @Test
    void tenantsWhoseReceiversAreSlowLeaveRoomForAnotherTenant() {
        try (Receiver slow = new Receiver(); Receiver healthy = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(40)))) {
            // Answers, but only after the test: every request sent to it holds its slot throughout.
            slow.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            for (int t = 1; t <= 4; t++) twentyWebhooksWithABacklog(server.tenant("slow" + t), slow);
            // Four tenants at their cap of 128 would hold all 512 slots; the fourth stops at 86, leaving 42.
            await(() -> slow.received().size() >= 460, Duration.ofSeconds(20), "the slow tenants' requests in flight");
            assertServedPromptly(server.tenant("acme"), healthy);
            assertThat(slow.received().size()).as("the slow tenants leave slots free").isLessThan(512);
        }
    }

    @Test
    void aWebhookThatStopsAnsweringIsSentOneRequestAtATimeUntilItAnswersAgain() {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(),
                     c -> c.withDeliveryTimeout(Duration.ofMillis(1500)).withRetrySchedule(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO)))) {
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(30)));
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/hook") + "\"}").json().get("id").asText();
            assertThat(acme.post("/v1/events", batch("e-", 300)).status()).isEqualTo(200);
            await(() -> receiver.received().size() >= 32, Duration.ofSeconds(10), "the first requests");
            // The first 32 time out together; after them, one request at a time, each waiting out its 1.5 s.
            await(() -> receiver.received().size() > 32, Duration.ofSeconds(10), "a request after the first timeouts");
            int before = receiver.received().size();
            sleep(Duration.ofSeconds(4));
            assertThat(receiver.received().size() - before).as("requests sent in 4 s while no request is answered").isBetween(1, 5);

            receiver.answerStatus(200);
            // Back to its whole cap after as many answers: the rest drains at once, nothing was given up on.
            await(() -> acme.get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=1").json().get("deliveries").isEmpty(),
                    Duration.ofSeconds(20), "every delivery once it answers again");
            assertThat(acme.get("/v1/webhooks/" + id + "/deliveries?status=dead&limit=1").json().get("deliveries")).isEmpty();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
