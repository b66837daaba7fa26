package dev.eventwire.observability;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.MetricsAuth;
import dev.eventwire.delivery.EngineSettings;
import dev.eventwire.support.PostgresServer;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Latches;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics on a real server (real DuckDB file, real receivers on loopback): a known mix of events
 * and delivery outcomes moves each counter by exactly that much, the gauges follow a delivery held by
 * its receiver, and the scrape is valid Prometheus text without per-tenant or per-webhook labels.
 */
class MetricsEndpointTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Every label the service's own metrics may carry: bounded sets, never a tenant or a webhook. */
    static final Set<String> ALLOWED_LABELS = Set.of("result", "outcome", "status", "writer", "le");

    @TempDir
    Path dir;

    static PrometheusText scrape(ApiClient client) {
        ApiClient.Response r = client.get("/metrics");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.body());
    }

    @Test
    void countersMoveByExactlyWhatHappened() throws Exception {
        try (Receiver ok = new Receiver(); Receiver failing = new Receiver(); Receiver gone = new Receiver(); Receiver throttling = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withRetrySchedule(List.of(Duration.ofMillis(200))))) {
            failing.answerStatus(500);
            gone.answerStatus(410);
            java.util.concurrent.atomic.AtomicInteger throttled = new java.util.concurrent.atomic.AtomicInteger();
            throttling.answer(r -> throttled.getAndIncrement() == 0
                    ? new Receiver.Answer(429, Map.of("Retry-After", "1"), "", Duration.ZERO) : Receiver.Answer.status(200));
            ApiClient acme = server.tenant("acme");
            String okHook = webhook(acme, ok, "ok");
            String failHook = webhook(acme, failing, "fail");
            String goneHook = webhook(acme, gone, "gone");
            String slowHook = webhook(acme, throttling, "slow");
            ApiClient anyone = server.anonymous();
            PrometheusText before = scrape(anyone);

            assertThat(acme.post("/v1/events", event("e1", "ok")).status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", event("e2", "fail")).status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", event("e3", "gone")).status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", event("e4", "slow")).status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", event("e1", "ok")).status()).isEqualTo(200); // duplicate
            ApiClient.Response batch = acme.post("/v1/events", "{\"events\":[" + event("e5", "other") + "," + event("e1", "ok") + ",{\"event_type\":\"\"}]}");
            assertThat(batch.json().get("accepted").asInt()).isEqualTo(1);
            assertThat(acme.post("/v1/events", "{not json").status()).isEqualTo(400);

            awaitStatus(acme, okHook, "e1", "delivered");
            awaitStatus(acme, failHook, "e2", "dead");
            awaitStatus(acme, goneHook, "e3", "dead");
            awaitStatus(acme, slowHook, "e4", "delivered");
            PrometheusText after = scrape(anyone);

            assertMoved(before, after, 5, "eventwire_events_total", "result", "accepted");
            assertMoved(before, after, 2, "eventwire_events_total", "result", "duplicate");
            assertMoved(before, after, 2, "eventwire_events_total", "result", "rejected");
            assertMoved(before, after, 2, "eventwire_delivery_attempts_total", "outcome", "delivered");
            assertMoved(before, after, 2, "eventwire_delivery_attempts_total", "outcome", "failed");
            assertMoved(before, after, 1, "eventwire_delivery_attempts_total", "outcome", "gone");
            assertMoved(before, after, 1, "eventwire_delivery_attempts_total", "outcome", "throttled");
            assertMoved(before, after, 2, "eventwire_deliveries_finished_total", "status", "delivered");
            assertMoved(before, after, 2, "eventwire_deliveries_finished_total", "status", "dead");
            assertMoved(before, after, 2, "eventwire_delivery_latency_seconds_count");
            // four 202s, the duplicate's 200 and the batch's 200; the request that was not JSON is not an acknowledgement
            assertMoved(before, after, 6, "eventwire_ingest_acknowledgement_seconds_count");
            assertMoved(before, after, 6, "eventwire_ingest_acknowledgement_seconds_bucket", "le", "+Inf");
            assertThat(after.value("eventwire_ingest_acknowledgement_seconds_sum")).isGreaterThan(before.value("eventwire_ingest_acknowledgement_seconds_sum"));
            assertThat(after.type("eventwire_ingest_acknowledgement_seconds")).isEqualTo("histogram");
            // e4 waited out a Retry-After (capped at the 200 ms schedule): at least that long from acceptance to delivery
            assertThat(after.value("eventwire_delivery_latency_seconds_max")).isGreaterThanOrEqualTo(0.2);
            assertThat(after.value("eventwire_delivery_latency_seconds_bucket", "le", "+Inf")).isEqualTo(2);
            assertThat(after.value("eventwire_store_commit_seconds_count", "writer", "ingest"))
                    .isGreaterThan(before.value("eventwire_store_commit_seconds_count", "writer", "ingest"));
            assertThat(after.value("eventwire_store_commit_seconds_count", "writer", "ingest-journal"))
                    .as("the journal writes acknowledgements waited for").isPositive();
            assertThat(after.value("eventwire_store_commit_seconds_count", "writer", "delivery")).isPositive();
            assertThat(after.type("eventwire_store_commit_seconds")).isEqualTo("histogram");
            assertThat(after.type("eventwire_delivery_latency_seconds")).isEqualTo("histogram");

            for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds", "system_cpu_count",
                    "process_files_open_files", "jvm_gc_memory_allocated_bytes_total")) {
                assertThat(after.has(jvm)).as(jvm).isTrue();
            }
            assertThat(after.series()).filteredOn(s -> s.name().startsWith("eventwire_"))
                    .allSatisfy(s -> assertThat(ALLOWED_LABELS).containsAll(s.labels().keySet()));
        }
    }

    @Test
    void gaugesFollowADeliveryHeldByItsReceiver() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver holding = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            holding.answer(r -> {
                Latches.awaitRelease(release, WAIT);
                return Receiver.Answer.status(200);
            });
            ApiClient acme = server.tenant("acme");
            String hook = webhook(acme, holding, "held");
            ApiClient anyone = server.anonymous();
            assertThat(acme.post("/v1/events", event("h1", "held")).status()).isEqualTo(202);

            await(() -> !holding.received().isEmpty(), WAIT, "the receiver to get the request");
            // The pending count is read from the store at most every 5 s: wait for a fresh one.
            await(() -> scrape(anyone).value("eventwire_deliveries_pending") == 1, WAIT, "one pending delivery");
            // Due since it was accepted and not delivered while its receiver holds it: how long shows, and grows.
            await(() -> scrape(anyone).value("eventwire_delivery_oldest_due_seconds") >= 1, WAIT, "the held delivery due for a second and more");
            PrometheusText held = scrape(anyone);
            assertThat(held.value("eventwire_delivery_in_flight")).isEqualTo(1);
            assertThat(held.value("eventwire_delivery_held")).isEqualTo(1);
            assertThat(held.value("eventwire_delivery_lanes")).isEqualTo(1);

            release.countDown();
            awaitStatus(acme, hook, "h1", "delivered");
            await(() -> scrape(anyone).value("eventwire_deliveries_pending") == 0, WAIT, "no pending delivery");
            PrometheusText done = scrape(anyone);
            assertThat(done.value("eventwire_delivery_oldest_due_seconds")).as("read with the count: nothing due").isZero();
            assertThat(done.value("eventwire_delivery_in_flight")).isZero();
            assertThat(done.value("eventwire_delivery_held")).isZero();
        } finally {
            release.countDown();
        }
    }

    /**
     * A backlog twice a lane, its receiver holding every request: the lane stays full and the rest waits in
     * the store. Asking the store meanwhile could take nothing, so the poller does not (each claim walks
     * the store's index of due work); once the receiver answers, the lane drains and the rest is claimed.
     */
    @Test
    void whileEveryLaneIsFullThePollerDoesNotAskTheStore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EngineSettings engine = EngineSettings.defaults(Duration.ofSeconds(15));
        int events = 2 * engine.laneCapacity();
        try (Receiver holding = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            holding.answer(r -> {
                Latches.awaitRelease(release, Duration.ofSeconds(60));
                return Receiver.Answer.status(200);
            });
            ApiClient acme = server.tenant("acme");
            webhook(acme, holding, "held");
            for (int from = 0; from < events; from += 1000) {
                StringBuilder batch = new StringBuilder("{\"events\":[");
                for (int i = from; i < from + 1000; i++) batch.append(i == from ? "" : ",").append(event("f" + i, "held"));
                ApiClient.Response r = acme.post("/v1/events", batch.append("]}").toString());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            await(() -> holding.received().size() == engine.perEndpointInFlight(), WAIT, "the receiver to hold a full in-flight cap");
            ApiClient anyone = server.anonymous();
            PrometheusText full = scrape(anyone);
            // Six poll intervals with the lane full and half the backlog in the store: no claim asked.
            Thread.sleep(6 * engine.pollInterval().toMillis());
            PrometheusText later = scrape(anyone);
            assertMoved(full, later, 0, "eventwire_delivery_claims_total");

            release.countDown();
            await(() -> holding.received().size() == events, Duration.ofSeconds(60), "every delivery");
            PrometheusText drained = scrape(anyone);
            assertThat(drained.value("eventwire_delivery_claims_total")).isGreaterThan(later.value("eventwire_delivery_claims_total"));
            assertThat(drained.value("eventwire_delivery_claimed_total") - later.value("eventwire_delivery_claimed_total"))
                    .as("deliveries beyond the lane and the in-flight cap, taken from the store")
                    .isGreaterThanOrEqualTo(events - engine.laneCapacity() - engine.perEndpointInFlight());
        } finally {
            release.countDown();
        }
    }

    /** The shared store reports its own group commits and counts its pending deliveries with its own query. */
    @Test
    @ExtendWith(PostgresServer.class)
    void onPostgresqlCommitsAndThePendingCountComeFromThatStore(PostgresServer.Handle postgres) throws Exception {
        try (Receiver ok = new Receiver(); TestServer server = TestServer.replica(dir, postgres.freshDatabase(), "replica-m")) {
            ApiClient acme = server.tenant("acme");
            String hook = webhook(acme, ok, "ok");
            ApiClient anyone = server.anonymous();
            assertThat(acme.post("/v1/events", event("p1", "ok")).status()).isEqualTo(202);
            awaitStatus(acme, hook, "p1", "delivered");
            await(() -> scrape(anyone).value("eventwire_deliveries_pending") == 0, WAIT, "a pending count of 0 from PostgreSQL");
            PrometheusText after = scrape(anyone);
            assertThat(after.value("eventwire_delivery_oldest_due_seconds")).isZero();
            assertThat(after.value("eventwire_events_total", "result", "accepted")).isEqualTo(1);
            assertThat(after.value("eventwire_delivery_attempts_total", "outcome", "delivered")).isEqualTo(1);
            assertThat(after.value("eventwire_store_commit_seconds_count", "writer", "pg-ingest")).isPositive();
            assertThat(after.value("eventwire_store_commit_seconds_count", "writer", "pg-outcomes")).isPositive();
        }
    }

    @Test
    void withMetricsAuthAdminOnlyTheAdminKeyReadsMetrics() {
        try (TestServer server = TestServer.start(dir, c -> c.withMetricsAuth(MetricsAuth.ADMIN), Clock.systemUTC())) {
            ApiClient.Response anonymous = server.anonymous().get("/metrics");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().at("/error/code").asText()).isEqualTo("unauthorized");
            ApiClient.Response tenant = server.tenant("acme").get("/metrics");
            assertThat(tenant.status()).isEqualTo(403);
            assertThat(tenant.json().at("/error/code").asText()).isEqualTo("forbidden");
            assertThat(scrape(server.admin()).has("eventwire_events_total")).isTrue();
        }
    }

    @Test
    void metricsAuthSettingIsNoneOrAdmin() {
        assertThat(MetricsAuth.parse("none")).isEqualTo(MetricsAuth.NONE);
        assertThat(MetricsAuth.parse("admin")).isEqualTo(MetricsAuth.ADMIN);
        for (String other : new String[]{"tenant", "", "Admin", " admin"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsAuth.parse(other))
                    .hasMessage("must be none or admin (got '" + other + "')");
        }
    }

    static void assertMoved(PrometheusText before, PrometheusText after, double by, String name, String... labels) {
        assertThat(after.value(name, labels) - before.value(name, labels)).as(name + " " + String.join("=", labels)).isEqualTo(by);
    }

    static String webhook(ApiClient tenant, Receiver receiver, String type) {
        ApiClient.Response r = tenant.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/" + type) + "\",\"filters\":{\"event_types\":[\"" + type + "\"]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String event(String id, String type) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"data\":{}}";
    }

    static void awaitStatus(ApiClient tenant, String hook, String eventId, String status) {
        await(() -> status.equals(tenant.get("/v1/webhooks/" + hook + "/deliveries/" + eventId).json().path("status").asText()),
                WAIT, eventId + " to be " + status);
    }
}
