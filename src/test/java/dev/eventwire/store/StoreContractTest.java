package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventwire.auth.ApiKey;
import dev.eventwire.auth.KeyStore;
import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.events.IngestListener;
import dev.eventwire.events.InlineAdmission;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.support.Ids;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.MetricDefinitions;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.metrics.RestoreSink;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookFilters;
import dev.eventwire.webhooks.WebhookRegistry;
import dev.eventwire.webhooks.WebhookStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the core needs from any store adapter, tested through the ports alone. The DuckDB adapter runs it
 * now; the PostgreSQL adapter must pass the same suite (subclass it with its own {@link #open}).
 */
abstract class StoreContractTest {
    static final Duration LEASE = Duration.ofSeconds(60);

    /** The ports of one adapter over a fresh store; closing it closes the store. */
    record Stores(EventStore events, DeliveryStore deliveries, WebhookStore webhooks, WebhookRegistry registry, MetricStore metrics,
                  dev.eventwire.retention.RetentionStore retention, KeyStore keys, AutoCloseable closer) {
    }

    /** A fresh, empty store of the adapter under test, not started yet. */
    abstract StoreBackend backend(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry);

    /** The store {@link #backend} opened last, opened again as a restarted process would. */
    StoreBackend sameStoreAgain(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        return backend(dir, clock, lease, registry);
    }

    /** Builds the ports as the composition root does; the adapter asks {@code admission} whether the engine takes a new delivery in memory. */
    Stores open(Path dir, MutableClock clock, Duration lease, InlineAdmission admission) {
        WebhookRegistry registry = new WebhookRegistry();
        return open(backend(dir, clock, lease, registry), registry, clock, admission);
    }

    /** Closes the store and opens it again, as a restart does. */
    void restart() throws Exception {
        stores.closer().close();
        WebhookRegistry registry = new WebhookRegistry();
        stores = open(sameStoreAgain(dir, clock, LEASE, registry), registry, clock, webhookId -> engineTakesNew.get());
    }

    private Stores open(StoreBackend backend, WebhookRegistry registry, MutableClock clock, InlineAdmission admission) {
        dev.eventwire.metrics.MetricCatalog catalog = MetricDefinitions.load(Optional.empty());
        EventStore events = backend.events(new IngestCommit(registry, admission, catalog,
                new dev.eventwire.metrics.LiveRollups(catalog, backend.metrics(), clock), IngestListener.all(List.of((accepted, rejected, deliveries) -> queued.addAll(deliveries))), new Ids(clock)));
        backend.start();
        return new Stores(events, backend.deliveries(), backend.webhooks(), registry, backend.metrics(), backend.retention(), backend.keys(), backend);
    }

    /** The deliveries each ingest commit created, as the engine is told of them. */
    final List<dev.eventwire.events.QueuedDelivery> queued = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Whether the stand-in engine takes new deliveries in memory (they are then created leased). */
    final java.util.concurrent.atomic.AtomicBoolean engineTakesNew = new java.util.concurrent.atomic.AtomicBoolean(true);

    @TempDir
    Path dir;
    MutableClock clock;
    Stores stores;
    final Json json = new Json();

    @BeforeEach
    void start() {
        clock = MutableClock.startingNow();
        stores = open(dir, clock, LEASE, webhookId -> engineTakesNew.get());
    }

    @AfterEach
    void stop() throws Exception {
        stores.closer().close();
    }

    NewEvent event(String tenant, String id, String type) {
        Instant now = clock.instant();
        ObjectNode data = json.mapper().createObjectNode();
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"entity_id\":null,\"occurred_at\":\"" + now + "\",\"data\":{}}";
        return new NewEvent(tenant, id, type, Optional.empty(), now, now, data, body);
    }

    Webhook webhook(String tenant, String id) {
        Instant now = clock.instant();
        Webhook w = new Webhook(id, tenant, "https://example.com/" + id, Optional.empty(), WebhookFilters.NONE,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Optional.empty(), true, Optional.empty(), now, now, Optional.empty(),
                dev.eventwire.webhooks.Ordering.NONE);
        stores.webhooks().insert(w, 100, () -> stores.registry().put(w));
        return w;
    }

    AttemptRecord outcome(DeliveryJob job, DeliveryStatus status, Optional<Instant> next) {
        return new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(), job.trigger(),
                Optional.of(status == DeliveryStatus.DELIVERED ? 200 : 500), status == DeliveryStatus.DELIVERED,
                status == DeliveryStatus.DELIVERED ? Optional.empty() : Optional.of("HTTP 500"), 3, "", clock.instant(), status, next, Optional.empty(), job.seq(), job.lease());
    }

    NewEvent order(String tenant, String id, Instant at, String amount, String session) {
        ObjectNode data = json.mapper().createObjectNode();
        data.put("total_amount", new java.math.BigDecimal(amount));
        data.put("session_id", session);
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"" + at
                + "\",\"data\":" + data + "}";
        return new NewEvent(tenant, id, "order.created", Optional.empty(), at, clock.instant(), data, body);
    }

    @Test
    void apiKeysAreFoundByTheirHashListedNewestFirstAndGoneOnceDeleted() throws Exception {
        Instant first = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        ApiKey ci = new ApiKey("key_ci", "acme", "ci", "hash-ci", first);
        ApiKey prod = new ApiKey("key_prod", "globex", "prod \u00e9\u6f22", "hash-prod", first.plusSeconds(1));
        stores.keys().insert(ci);
        stores.keys().insert(prod);

        assertThat(stores.keys().findByHash("hash-ci")).contains(ci);
        assertThat(stores.keys().findByHash("hash-unknown")).isEmpty();
        assertThat(stores.keys().list()).containsExactly(prod, ci);

        assertThat(stores.keys().delete("key_ci")).isTrue();
        assertThat(stores.keys().delete("key_ci")).as("already deleted").isFalse();
        assertThat(stores.keys().findByHash("hash-ci")).isEmpty();

        restart();
        assertThat(stores.keys().list()).as("after a restart").containsExactly(prod);
        assertThat(stores.keys().findByHash("hash-prod")).contains(prod);
    }

    @Test
    void metricPointsComeBackByTimeAndSequenceAndRestoreReplaysTheRollups() throws Exception {
        Instant minute = Instant.parse("2026-11-28T10:00:00Z");
        stores.events().append(List.of(order("a", "o1", minute.plusSeconds(10), "10.50", "s1"),
                order("a", "o2", minute.plusSeconds(70), "4", "s2"), order("b", "o3", minute.plusSeconds(20), "99", "s9")), List.of()).get();
        List<Contribution> revenue = stores.metrics().points("a", List.of("revenue", "active_sessions"), micros(minute),
                micros(minute.plusSeconds(120)), Long.MAX_VALUE);
        assertThat(revenue).extracting(c -> c.point().metric() + "@" + c.point().occurredMicros())
                .containsExactly("revenue@" + micros(minute.plusSeconds(10)), "active_sessions@" + micros(minute.plusSeconds(10)),
                        "revenue@" + micros(minute.plusSeconds(70)), "active_sessions@" + micros(minute.plusSeconds(70)))
                .as("ordered by time; the other tenant's point is not there");
        long firstSeq = revenue.stream().mapToLong(Contribution::seq).min().orElseThrow();
        assertThat(stores.metrics().points("a", List.of("revenue"), micros(minute), micros(minute.plusSeconds(120)), firstSeq))
                .as("only points up to the sequence bound").hasSize(1);
        assertThat(stores.metrics().points("a", List.of("revenue"), micros(minute.plusSeconds(60)), micros(minute.plusSeconds(120)), Long.MAX_VALUE))
                .as("time range is [from, to)").extracting(c -> c.point().value().orElseThrow().stripTrailingZeros().toPlainString()).containsExactly("4");

        java.util.Map<String, java.math.BigDecimal> sums = new java.util.HashMap<>();
        java.util.Set<String> distinctMinutes = new java.util.HashSet<>();
        java.util.Map<String, Long> latest = new java.util.HashMap<>();
        long lastSeq = stores.metrics().restore(minuteOf(minute) - 1, micros(clock.instant()), new RestoreSink() {
            @Override
            public void bucket(String tenant, String metric, long m, long count, java.math.BigDecimal sum, java.math.BigDecimal min, java.math.BigDecimal max) {
                if (metric.equals("revenue")) sums.merge(tenant, sum, java.math.BigDecimal::add);
            }

            @Override
            public void distinct(String tenant, String metric, String value, long occurredMicros) {
                latest.put(tenant + "/" + value, occurredMicros);
            }

            @Override
            public void distinctInMinute(String tenant, String metric, long m, String value) {
                distinctMinutes.add(tenant + "/" + value + "@" + (m - minuteOf(minute)));
            }
        });
        assertThat(lastSeq).isGreaterThanOrEqualTo(revenue.stream().mapToLong(Contribution::seq).max().orElseThrow());
        assertThat(sums.get("a")).isEqualByComparingTo("14.50");
        assertThat(sums.get("b")).isEqualByComparingTo("99");
        assertThat(distinctMinutes).contains("a/s1@0", "a/s2@1", "b/s9@0");
        assertThat(latest).containsEntry("a/s2", micros(minute.plusSeconds(70)));
        assertThat(stores.metrics().aggregate("a", List.of(MetricDefinitions.load(Optional.empty()).find("revenue").orElseThrow()),
                micros(minute.plusSeconds(10)), micros(minute.plusSeconds(120))).get("revenue").sum())
                .as("the window's start is open").isEqualByComparingTo("4");
    }

    static long micros(Instant at) {
        return java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    /** Epoch minutes, as metric rollups number them. */
    static long minuteOf(Instant at) {
        return Math.floorDiv(micros(at), 60_000_000L);
    }

    @Test
    void appendsAreIdempotentPerTenantAndEventId() throws Exception {
        List<AppendOutcome> first = stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e1", "x.y"), event("b", "e1", "x.y")), List.of()).get();
        assertThat(first).containsExactly(AppendOutcome.ACCEPTED, AppendOutcome.DUPLICATE, AppendOutcome.ACCEPTED);
        assertThat(stores.events().append(List.of(event("a", "e1", "x.z")), List.of()).get()).containsExactly(AppendOutcome.DUPLICATE);
        assertThat(stores.events().find("a", "e1").orElseThrow().eventType()).isEqualTo("x.y");
        assertThat(stores.events().find("c", "e1")).isEmpty();
    }

    @Test
    void idsStayTakenAcrossARestartAndAnIdFreedByRetentionIsAcceptedAgain() throws Exception {
        List<NewEvent> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) many.add(event(i % 2 == 0 ? "a" : "b", "evt-" + i, "x.y"));
        assertThat(stores.events().append(many, List.of()).get()).containsOnly(AppendOutcome.ACCEPTED);
        restart();

        assertThat(stores.events().append(List.of(event("a", "evt-0", "x.z"), event("b", "evt-4999", "x.z"), event("b", "evt-0", "x.z")), List.of()).get())
                .as("ids stored before the restart are still taken; the same id in another tenant is not")
                .containsExactly(AppendOutcome.DUPLICATE, AppendOutcome.DUPLICATE, AppendOutcome.ACCEPTED);
        assertThat(stores.events().find("a", "evt-4998").orElseThrow().eventType()).isEqualTo("x.y");
        assertThat(stores.events().find("a", "evt-4999")).as("stored under the other tenant").isEmpty();

        clock.advance(Duration.ofDays(36));
        Instant before = clock.instant().minus(Duration.ofDays(35));
        while (stores.retention().prune(dev.eventwire.retention.Retained.EVENTS, before, 1_000) > 0) {
            // steps until every old event is gone
        }
        assertThat(stores.events().find("a", "evt-0")).isEmpty();
        assertThat(stores.events().append(List.of(event("a", "evt-0", "x.z")), List.of()).get())
                .as("an id whose event retention removed may be used again").containsExactly(AppendOutcome.ACCEPTED);
        assertThat(stores.events().find("a", "evt-0").orElseThrow().eventType()).isEqualTo("x.z");
    }

    @Test
    void acceptingAnEventQueuesOneDeliveryPerActiveWebhookInTheSameStep() throws Exception {
        webhook("a", "wh_1");
        webhook("a", "wh_2");
        webhook("b", "wh_other_tenant");
        stores.events().append(List.of(event("a", "e1", "order.created")), List.of()).get();
        stores.events().append(List.of(event("a", "e1", "order.created")), List.of()).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(stores.deliveries().find("a", "wh_2", "e1")).isPresent();
        assertThat(stores.deliveries().find("b", "wh_other_tenant", "e1")).isEmpty();
        assertThat(stores.deliveries().list("a", "wh_1", dev.eventwire.delivery.DeliveryFilter.ALL, new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty())).items())
                .as("a duplicate queues nothing").hasSize(1);
    }

    @Test
    void aClaimedDeliveryIsNotClaimedAgainUntilItsLeaseLapses() throws Exception {
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b")), List.of()).get();
        Instant now = clock.instant();
        assertThat(stores.deliveries().claimDue(now, now.plus(LEASE), 100, id -> 100).jobs())
                .as("created with a lease: it was handed to the engine in memory").isEmpty();
        clock.advance(LEASE.plusSeconds(1));
        now = clock.instant();
        List<DeliveryJob> claimed = stores.deliveries().claimDue(now, now.plus(LEASE), 100, id -> 100).jobs();
        assertThat(claimed).hasSize(1);
        assertThat(claimed.getFirst().attempt()).isEqualTo(1);
        assertThat(claimed.getFirst().trigger()).isEqualTo(Trigger.INLINE);
        assertThat(claimed.getFirst().body()).contains("\"event_id\":\"e1\"");
        assertThat(stores.deliveries().claimDue(now, now.plus(LEASE), 100, id -> 100).jobs()).as("leased").isEmpty();
        assertThat(stores.deliveries().claimDue(now, now.plus(LEASE), 100, id -> id.equals("wh_1") ? 0 : 100).jobs()).isEmpty();
        stores.deliveries().releaseLeases(List.of(claimed.getFirst())).get();
        assertThat(stores.deliveries().claimDue(now, now.plus(LEASE), 100, id -> 100).jobs()).as("released").hasSize(1);
    }

    @Test
    void aClaimedDeliveryCarriesItsEventsTextExactlyAsItWasAccepted() throws Exception {
        webhook("a", "wh_1");
        // Backslash escapes, characters beyond ASCII and beyond the basic plane: all must come back as sent.
        String id = "ördér-\\x41-日本-🙂";
        String type = "typé.\\n.créé";
        Instant now = clock.instant();
        ObjectNode data = json.mapper().createObjectNode();
        data.put("note", "\\x41 \"q\" ünïcödé 日本 🙂");
        String body = "{\"event_id\":" + json.mapper().writeValueAsString(id) + ",\"event_type\":" + json.mapper().writeValueAsString(type)
                + ",\"entity_id\":null,\"occurred_at\":\"" + now + "\",\"data\":" + data + "}";
        stores.events().append(List.of(new NewEvent("a", id, type, Optional.empty(), now, now, data, body)), List.of()).get();
        clock.advance(LEASE.plusSeconds(1));
        List<DeliveryJob> claimed = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, wh -> 10).jobs();
        assertThat(claimed).singleElement().satisfies(job -> {
            assertThat(job.tenant()).isEqualTo("a");
            assertThat(job.eventId()).isEqualTo(id);
            assertThat(job.eventType()).isEqualTo(type);
            assertThat(job.body()).isEqualTo(body);
        });
        assertThat(stores.deliveries().find("a", "wh_1", id)).isPresent();
    }

    @Test
    void recordingTheSameOutcomeTwiceCountsOnceAndAStaleOutcomeChangesNothing() throws Exception {
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b")), List.of()).get();
        clock.advance(LEASE.plusSeconds(1));
        DeliveryJob job = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        AttemptRecord failed = outcome(job, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(5)));
        assertThat(stores.deliveries().record(failed, () -> { }).get()).as("applied").isTrue();
        assertThat(stores.deliveries().record(failed, () -> { }).get()).as("the same outcome again applies nothing").isFalse();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().attempts()).isEqualTo(1);
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).hasSize(1);

        clock.advance(Duration.ofSeconds(6));
        DeliveryJob second = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.trigger()).isEqualTo(Trigger.RETRY);
        assertThat(second.messageId()).isEqualTo(job.messageId());
        assertThat(stores.deliveries().record(outcome(second, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get()).isTrue();
        assertThat(stores.deliveries().record(failed, () -> { }).get()).as("a stale outcome applies nothing").isFalse();
        var delivered = stores.deliveries().find("a", "wh_1", "e1").orElseThrow();
        assertThat(delivered.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).hasSize(2);
    }

    @Test
    void anAttemptsErrorAndResponseBodyComeBackExactlyAsTheReceiverSentThem() throws Exception {
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b")), List.of()).get();
        clock.advance(LEASE.plusSeconds(1));
        DeliveryJob job = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        // What receivers answer: quotes, backslashes, braces and commas (array syntax), NULL as a word, blanks, other scripts.
        String body = "{\"error\":\"nope, \\\"quoted\\\" {x}\"} NULL \t\r\n  ünïcödé 日本 🙂";
        String error = "HTTP 500: {\"a\",\"b\"} \\ NULL ''";
        AttemptRecord failed = new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(),
                job.trigger(), Optional.of(500), false, Optional.of(error), 7, body, clock.instant(), DeliveryStatus.PENDING,
                Optional.of(clock.instant().plusSeconds(5)), Optional.empty(), job.seq(), job.lease());
        stores.deliveries().record(failed, () -> { }).get();
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).singleElement().satisfies(entry -> {
            assertThat(entry.responseBody()).isEqualTo(body);
            assertThat(entry.error()).contains(error);
            assertThat(entry.statusCode()).contains(500);
            assertThat(entry.durationMillis()).isEqualTo(7);
        });
    }

    @Test
    void aDeliveryTheEngineHeldForAWebhookRemovedMeanwhileIsParkedByItself() throws Exception {
        Webhook w = webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b"), event("a", "e2", "a.b")), List.of()).get();
        clock.advance(LEASE.plusSeconds(1)); // the leases of the hand-over in memory lapse: a claim takes them
        List<DeliveryJob> held = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(held).hasSize(2);
        // Deactivated without parking (as when the removal committed while the engine held these).
        stores.webhooks().update(w.withUpdate(w.url(), w.description(), w.filters(), false, Optional.of("paused"), clock.instant()), w.updatedAt(), false,
                () -> stores.registry().remove(w));
        DeliveryJob first = held.stream().filter(j -> j.eventId().equals("e1")).findFirst().orElseThrow();
        stores.deliveries().parkRemoved(first, clock.instant()).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
        assertThat(stores.deliveries().find("a", "wh_1", "e2").orElseThrow().status()).as("only the one parked").isEqualTo(DeliveryStatus.PENDING);
    }

    @Test
    void removingAWebhookParksItsPendingDeliveriesAndRetryNeedsADeadOne() throws Exception {
        Webhook w = webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b"), event("a", "e2", "a.b")), List.of()).get();
        assertThat(stores.deliveries().retry("a", "wh_1", "e1", clock.instant())).as("not dead yet").isFalse();
        stores.webhooks().update(w.withUpdate(w.url(), w.description(), w.filters(), false, Optional.of("paused"), clock.instant()), w.updatedAt(), true,
                () -> stores.registry().remove(w));
        var parked = stores.deliveries().find("a", "wh_1", "e1").orElseThrow();
        assertThat(parked.status()).isEqualTo(DeliveryStatus.DEAD);
        assertThat(parked.lastError()).contains("webhook removed");
        assertThat(stores.deliveries().retry("a", "wh_1", "e1", clock.instant())).isTrue();
        assertThat(stores.deliveries().recover("a", "wh_1", clock.instant().minusSeconds(60), clock.instant())).isEqualTo(1);
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs())
                .extracting(DeliveryJob::trigger).containsOnly(Trigger.MANUAL);
    }

    @Test
    void aDeliveryThatReachedItsReceiverWhileItsWebhookWasRemovedIsDeliveredNotDead() throws Exception {
        engineTakesNew.set(false);
        Webhook w = webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b"), event("a", "e2", "a.b")), List.of()).get();
        List<DeliveryJob> inFlight = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(inFlight).hasSize(2);
        // Deactivated while both attempts are out: parked dead, "webhook removed".
        stores.webhooks().update(w.withUpdate(w.url(), w.description(), w.filters(), false, Optional.of("paused"), clock.instant()), w.updatedAt(), true,
                () -> stores.registry().remove(w));
        clock.advance(Duration.ofSeconds(1));
        DeliveryJob e1 = inFlight.stream().filter(j -> j.eventId().equals("e1")).findFirst().orElseThrow();
        DeliveryJob e2 = inFlight.stream().filter(j -> j.eventId().equals("e2")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(e1, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        stores.deliveries().record(outcome(e2, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(5))), () -> { }).get();

        var delivered = stores.deliveries().find("a", "wh_1", "e1").orElseThrow();
        assertThat(delivered.status()).as("the receiver answered 200").isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivered.lastStatusCode()).contains(200);
        assertThat(delivered.lastError()).isEmpty();
        var parked = stores.deliveries().find("a", "wh_1", "e2").orElseThrow();
        assertThat(parked.status()).as("a failed attempt leaves it parked").isEqualTo(DeliveryStatus.DEAD);
        assertThat(parked.lastError()).contains("webhook removed");
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).as("the attempt is logged").hasSize(1);
        assertThat(parked.attempts()).as("the failed attempt is counted too").isEqualTo(e2.attempt());
        assertThat(stores.deliveries().attempts("a", "wh_1", "e2")).as("and logged: the receiver got it").hasSize(1);
        // Recovering the webhook's dead deliveries sends again only the one that never arrived, as its next attempt.
        stores.webhooks().update(w.withUpdate(w.url(), w.description(), w.filters(), true, Optional.empty(), clock.instant()),
                stores.webhooks().find("a", "wh_1").orElseThrow().updatedAt(), false, () -> stores.registry().put(w));
        assertThat(stores.deliveries().recover("a", "wh_1", clock.instant().minusSeconds(60), clock.instant())).isEqualTo(1);
        List<DeliveryJob> again = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(again).singleElement().satisfies(j -> {
            assertThat(j.eventId()).isEqualTo("e2");
            assertThat(j.attempt()).as("not the number the lost attempt had").isEqualTo(e2.attempt() + 1);
        });
    }

    @Test
    void deliveriesTheEngineCannotTakeAreClaimableAtOnceOldestFirstWithinEachWebhooksRoom() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_big");
        webhook("b", "wh_small");
        for (int i = 0; i < 5; i++) {
            stores.events().append(List.of(event("a", "a" + i, "x.y")), List.of()).get();
            clock.advance(Duration.ofMillis(1));
        }
        stores.events().append(List.of(event("b", "b0", "x.y")), List.of()).get();
        var first = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> id.equals("wh_big") ? 2 : 10);
        assertThat(first.jobs()).extracting(DeliveryJob::eventId).as("no lease to wait for; the oldest two of the big backlog")
                .containsExactlyInAnyOrder("a0", "a1", "b0");
        assertThat(first.moreDue()).containsExactly("wh_big");
        var second = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 2);
        assertThat(second.jobs()).extracting(DeliveryJob::eventId).containsExactly("a2", "a3");
        var third = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 1, id -> 10);
        assertThat(third.jobs()).extracting(DeliveryJob::eventId).as("the overall limit holds").containsExactly("a4");
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 10).jobs()).isEmpty();
    }

    /** The job the engine takes in memory for a delivery the last ingest commit created for {@code eventId}. */
    DeliveryJob takenInMemory(String eventId, String type) {
        var q = queued.stream().filter(d -> d.eventId().equals(eventId)).findFirst().orElseThrow();
        return new DeliveryJob(q.tenant(), q.webhookId(), q.eventId(), q.messageId(), type, 1, 1, Trigger.INLINE, "{}", q.seq(), q.lease());
    }

    @Test
    void aFirstAttemptRecordedBeforeItsDeliveryIsReadEndsAsOneRecordedAfter() throws Exception {
        webhook("a", "wh_1");
        for (DeliveryStatus status : List.of(DeliveryStatus.DELIVERED, DeliveryStatus.DEAD, DeliveryStatus.PENDING)) {
            String early = status.wireName() + "-early";
            String late = status.wireName() + "-late";
            Optional<Instant> next = status == DeliveryStatus.PENDING ? Optional.of(clock.instant().plusSeconds(5)) : Optional.empty();
            // The engine's first attempt answers at once: its outcome is recorded before anything read the delivery.
            stores.events().append(List.of(event("a", early, "x.y")), List.of()).get();
            stores.deliveries().record(outcome(takenInMemory(early, "x.y"), status, next), () -> { }).get();
            // The same, recorded after a read of the pending delivery.
            stores.events().append(List.of(event("a", late, "x.y")), List.of()).get();
            assertThat(stores.deliveries().find("a", "wh_1", late).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
            stores.deliveries().record(outcome(takenInMemory(late, "x.y"), status, next), () -> { }).get();

            var first = stores.deliveries().find("a", "wh_1", early).orElseThrow();
            var second = stores.deliveries().find("a", "wh_1", late).orElseThrow();
            assertThat(first.status()).isEqualTo(status);
            assertThat(first.attempts()).isEqualTo(1);
            assertThat(first).usingRecursiveComparison().comparingOnlyFields("status", "attempts", "nextAttemptAt", "lastStatusCode", "lastError",
                    "createdAt", "updatedAt").isEqualTo(second);
            assertThat(stores.deliveries().attempts("a", "wh_1", early)).singleElement()
                    .satisfies(e -> assertThat(e.statusCode()).isEqualTo(stores.deliveries().attempts("a", "wh_1", late).getFirst().statusCode()));
            // Recorded again (a retried write): counted once.
            stores.deliveries().record(outcome(takenInMemory(early, "x.y"), status, next), () -> { }).get();
            assertThat(stores.deliveries().attempts("a", "wh_1", early)).hasSize(1);
            assertThat(stores.deliveries().find("a", "wh_1", early).orElseThrow()).isEqualTo(first);
        }
        clock.advance(LEASE.plusSeconds(1));
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs())
                .as("only the two that failed are due again, each for its second attempt, nothing finished")
                .extracting(DeliveryJob::eventId, DeliveryJob::attempt)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("pending-early", 2), org.assertj.core.groups.Tuple.tuple("pending-late", 2));
        assertThat(stores.deliveries().list("a", "wh_1", new dev.eventwire.delivery.DeliveryFilter(Optional.of(DeliveryStatus.PENDING), Optional.empty()),
                new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty())).items())
                .extracting(dev.eventwire.delivery.Delivery::eventId).containsExactlyInAnyOrder("pending-early", "pending-late");
    }

    @Test
    void finishedDeliveriesStayReadableWithTheirStatusAndCanBeRequeued() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e2", "x.y")), List.of()).get();
        List<DeliveryJob> jobs = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(jobs).hasSize(2);
        DeliveryJob e1 = jobs.stream().filter(j -> j.eventId().equals("e1")).findFirst().orElseThrow();
        DeliveryJob e2 = jobs.stream().filter(j -> j.eventId().equals("e2")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(e1, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        stores.deliveries().record(outcome(e2, DeliveryStatus.DEAD, Optional.empty()), () -> { }).get();
        var page = stores.deliveries().list("a", "wh_1", dev.eventwire.delivery.DeliveryFilter.ALL, new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty()));
        assertThat(page.items()).extracting(d -> d.eventId() + "=" + d.status().wireName()).containsExactly("e2=dead", "e1=delivered");
        assertThat(stores.deliveries().list("a", "wh_1", new dev.eventwire.delivery.DeliveryFilter(Optional.of(DeliveryStatus.DEAD), Optional.empty()),
                new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty())).items()).hasSize(1);
        assertThat(stores.deliveries().list("a", "wh_1", new dev.eventwire.delivery.DeliveryFilter(Optional.empty(), Optional.of(e1.messageId())),
                new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty())).items()).as("by the message id its receiver got")
                .extracting(d -> d.eventId()).containsExactly("e1");
        assertThat(stores.deliveries().retry("a", "wh_1", "e1", clock.instant())).as("delivered is not dead").isFalse();
        assertThat(stores.deliveries().retry("a", "wh_1", "e2", clock.instant())).isTrue();
        assertThat(stores.deliveries().find("a", "wh_1", "e2").orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
        List<DeliveryJob> again = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(again).extracting(j -> j.eventId() + "#" + j.attempt() + "/" + j.trigger()).containsExactly("e2#2/MANUAL");
        stores.deliveries().record(outcome(again.getFirst(), DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        assertThat(stores.deliveries().list("a", "wh_1", dev.eventwire.delivery.DeliveryFilter.ALL, new dev.eventwire.support.PageRequest(10, java.util.OptionalLong.empty())).items())
                .as("each delivery once, in either table").extracting(d -> d.eventId() + "=" + d.status().wireName() + "#" + d.attempts())
                .containsExactly("e2=delivered#2", "e1=delivered#1");
        assertThat(stores.deliveries().attempts("a", "wh_1", "e2")).hasSize(2);
    }

    @Test
    void eventTypesCountTheLastDayAndRememberTheLastReceipt() throws Exception {
        stores.events().append(List.of(event("a", "old", "order.created")), List.of()).get();
        clock.advance(Duration.ofHours(30));
        Instant recent = clock.instant();
        stores.events().append(List.of(event("a", "n1", "order.created"), event("a", "n2", "order.created"), event("a", "p1", "payment.failed"),
                event("b", "x1", "other.type")), List.of()).get();
        var types = stores.events().eventTypes("a", clock.instant().minus(Duration.ofHours(24)), Optional.empty(), 1000);
        assertThat(types).extracting(t -> t.eventType() + "=" + t.count24h())
                .containsExactly("order.created=2", "payment.failed=1").as("by name, only this tenant's, the old one not counted");
        assertThat(types.getFirst().lastSeenAt()).isEqualTo(recent);
        assertThat(stores.events().eventTypes("a", clock.instant().minus(Duration.ofHours(24)), Optional.empty(), 1)).hasSize(1);
        assertThat(stores.events().eventTypes("a", clock.instant().minus(Duration.ofHours(24)), Optional.of("order.created"), 1000))
                .extracting(EventTypeStats::eventType).as("the names after the one given").containsExactly("payment.failed");
    }

    @Test
    void retentionRemovesOldRowsInStepsAndNeverAPendingDeliveryOrTheEventItNeeds() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        Instant old = clock.instant();
        stores.events().append(List.of(event("a", "done", "x.y"), event("a", "waiting", "x.y"), order("a", "o1", old, "5", "s1")), List.of()).get();
        List<DeliveryJob> jobs = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        for (DeliveryJob j : jobs) {
            if (!j.eventId().equals("waiting")) stores.deliveries().record(outcome(j, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        }
        DeliveryJob waiting = jobs.stream().filter(j -> j.eventId().equals("waiting")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(waiting, DeliveryStatus.PENDING, Optional.of(clock.instant().plus(Duration.ofDays(60)))), () -> { }).get();
        stores.metrics().rollUpAll();

        clock.advance(Duration.ofDays(36));
        stores.events().append(List.of(event("a", "fresh", "x.y")), List.of()).get();
        Instant before = clock.instant().minus(Duration.ofDays(35));
        assertThat(stores.retention().prune(dev.eventwire.retention.Retained.EVENTS, before, 1)).as("one step: at most the rows asked for").isEqualTo(1);
        assertThat(stores.retention().prune(dev.eventwire.retention.Retained.EVENTS, before, 100)).isEqualTo(1);
        for (dev.eventwire.retention.Retained what : dev.eventwire.retention.Retained.values()) stores.retention().prune(what, before, 100);

        assertThat(stores.events().find("a", "done")).as("an old event").isEmpty();
        assertThat(stores.events().find("a", "o1")).isEmpty();
        assertThat(stores.events().find("a", "waiting")).as("a pending delivery still needs it").isPresent();
        assertThat(stores.events().find("a", "fresh")).isPresent();
        assertThat(stores.deliveries().find("a", "wh_1", "done")).as("a finished delivery").isEmpty();
        assertThat(stores.deliveries().attempts("a", "wh_1", "done")).isEmpty();
        assertThat(stores.deliveries().find("a", "wh_1", "waiting").orElseThrow().status()).as("pending: never removed").isEqualTo(DeliveryStatus.PENDING);
        assertThat(stores.metrics().points("a", List.of("revenue"), 0, Long.MAX_VALUE, Long.MAX_VALUE)).as("old points go").isEmpty();
        var revenue = MetricDefinitions.load(Optional.empty()).find("revenue").orElseThrow();
        assertThat(stores.metrics().aggregate("a", List.of(revenue), micros(old) - 60_000_000L * 120, micros(old) + 60_000_000L * 120)
                .get("revenue").sum()).as("the minute buckets stay").isEqualByComparingTo("5");
        clock.advance(Duration.ofDays(61));
        List<DeliveryJob> later = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(later).extracting(DeliveryJob::eventId).containsExactlyInAnyOrder("waiting", "fresh");
        assertThat(later.stream().filter(j -> j.eventId().equals("waiting")).findFirst().orElseThrow().body())
                .as("its body is still there").contains("\"event_id\":\"waiting\"");
    }

    @Test
    void aReplayQueuesOnlyTheDeliveriesThatDoNotExistYet() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_early");
        stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e2", "x.y")), List.of()).get();
        webhook("a", "wh_late");
        var page = stores.events().receivedBetween("a", clock.instant().minusSeconds(1), clock.instant().plusSeconds(1), 0, 10);
        assertThat(page).extracting(StoredEvent::eventId).containsExactly("e1", "e2");
        assertThat(stores.events().receivedBetween("a", clock.instant().minusSeconds(1), clock.instant().plusSeconds(1), page.getFirst().seq(), 10))
                .extracting(StoredEvent::eventId).as("after a log position").containsExactly("e2");
        List<dev.eventwire.delivery.ReplayDelivery> replay = page.stream()
                .map(e -> new dev.eventwire.delivery.ReplayDelivery("a", e.eventId(), e.eventType(), e.seq(), "msg_r_" + e.eventId(), Optional.empty())).toList();
        assertThat(stores.deliveries().queueMissing("wh_late", replay, clock.instant())).isEqualTo(2);
        assertThat(stores.deliveries().queueMissing("wh_late", replay, clock.instant())).as("again: nothing missing").isZero();
        assertThat(stores.deliveries().queueMissing("wh_early", replay, clock.instant())).as("fanned out already").isZero();
        List<DeliveryJob> jobs = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        DeliveryJob late = jobs.stream().filter(j -> j.webhookId().equals("wh_late") && j.eventId().equals("e1")).findFirst().orElseThrow();
        assertThat(late.messageId()).isEqualTo("msg_r_e1");
        assertThat(late.body()).contains("\"event_id\":\"e1\"");
        stores.deliveries().record(outcome(late, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        assertThat(stores.deliveries().queueMissing("wh_late", replay, clock.instant())).as("a finished one counts as existing").isZero();
    }

    @Test
    void aDeathLeftUnreportedByACrashIsReportedAtTheNextStart() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y")), List.of()).get();
        DeliveryJob job = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        // Nobody listens: the process died right after the commit that recorded the death, before reporting it.
        stores.deliveries().record(outcome(job, DeliveryStatus.DEAD, Optional.empty()), () -> { }).get();
        Instant diedAt = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        restart();
        assertThat(unreportedDeaths(clock.instant())).singleElement().satisfies(d -> {
            assertThat(d.seq()).isEqualTo(job.seq());
            assertThat(d.messageId()).isEqualTo(job.messageId());
            assertThat(d.attempts()).isEqualTo(job.attempt());
            assertThat(d.lastError()).contains("HTTP 500");
            assertThat(d.diedAt()).isEqualTo(diedAt);
        });
        assertThat(unreportedDeaths(diedAt)).as("only those that died before the instant given").isEmpty();

        String deadEventId = "evw_dead_" + job.messageId() + "_" + job.attempt();
        try (var reporting = new dev.eventwire.ingest.OperationalEvents(stores.events(), stores.deliveries(),
                dev.eventwire.events.EventValidator.forOperationalEvents(json, new Ids(clock)), stores.registry(), json, clock)) {
            reporting.start();
            dev.eventwire.support.Receiver.await(() -> stores.deliveries().unreportedEffects(clock.instant(), 10).isEmpty(), Duration.ofSeconds(10),
                    "the death reported and forgotten");
        }
        StoredEvent dead = stores.events().find("a", deadEventId).orElseThrow();
        assertThat(dead.eventType()).isEqualTo("eventwire.delivery.dead");
        assertThat(dead.body()).contains("\"occurred_at\":\"" + diedAt + "\"", "\"last_error\":\"HTTP 500\"");
        restart();
        assertThat(stores.deliveries().unreportedEffects(clock.instant(), 10)).as("forgotten for good").isEmpty();
    }

    List<dev.eventwire.delivery.DeadDelivery> unreportedDeaths(Instant before) {
        return stores.deliveries().unreportedEffects(before, 10).stream().map(e -> ((dev.eventwire.delivery.DeliveryEffect.DeliveryDied) e).dead()).toList();
    }

    @Test
    void aWebhookDisabledOrRecoveredButNotReportedBeforeACrashIsReportedAtTheNextStart() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_off");
        webhook("a", "wh_back");
        stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e2", "x.y")), List.of()).get();
        List<DeliveryJob> jobs = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        Instant firstFailure = clock.instant();
        // Nobody listens: the process dies right after each commit, before reporting what it changed.
        for (String hook : List.of("wh_off", "wh_back")) {
            DeliveryJob e1 = jobs.stream().filter(j -> j.webhookId().equals(hook) && j.eventId().equals("e1")).findFirst().orElseThrow();
            stores.deliveries().record(outcome(e1, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(60))), () -> { }).get();
        }
        clock.advance(Duration.ofHours(1));
        Instant recoveredAt = clock.instant();
        DeliveryJob back = jobs.stream().filter(j -> j.webhookId().equals("wh_back") && j.eventId().equals("e2")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(back, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        clock.advance(Duration.ofDays(5));
        Instant disabledAt = clock.instant();
        DeliveryJob off = jobs.stream().filter(j -> j.webhookId().equals("wh_off") && j.eventId().equals("e2")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(off, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(60))), () -> { }).get();
        dev.eventwire.support.Receiver.await(() -> !stores.webhooks().find("a", "wh_off").orElseThrow().active(), Duration.ofSeconds(10), "wh_off disabled");
        clock.advance(Duration.ofSeconds(1));
        restart();
        assertThat(stores.deliveries().unreportedEffects(clock.instant(), 10)).containsExactly(
                new dev.eventwire.delivery.DeliveryEffect.WebhookRecovered("a", "wh_back", firstFailure, recoveredAt),
                new dev.eventwire.delivery.DeliveryEffect.WebhookDisabled("a", "wh_off",
                        stores.webhooks().find("a", "wh_off").orElseThrow().disabledReason().orElseThrow(), firstFailure, disabledAt));
        assertThat(stores.deliveries().unreportedEffects(clock.instant(), 1)).as("at most the limit").hasSize(1);

        try (var reporting = new dev.eventwire.ingest.OperationalEvents(stores.events(), stores.deliveries(),
                dev.eventwire.events.EventValidator.forOperationalEvents(json, new Ids(clock)), stores.registry(), json, clock)) {
            reporting.start();
            dev.eventwire.support.Receiver.await(() -> stores.deliveries().unreportedEffects(clock.instant(), 10).isEmpty(), Duration.ofSeconds(10),
                    "both reported and forgotten");
        }
        StoredEvent disabled = stores.events().find("a", "evw_disabled_wh_off_" + disabledAt.toEpochMilli()).orElseThrow();
        assertThat(disabled.eventType()).isEqualTo("eventwire.webhook.disabled");
        assertThat(disabled.body()).contains("\"failing_since\":\"" + firstFailure + "\"", "every attempt failed since");
        StoredEvent recovered = stores.events().find("a", "evw_recovered_wh_back_" + recoveredAt.toEpochMilli()).orElseThrow();
        assertThat(recovered.eventType()).isEqualTo("eventwire.webhook.recovered");
        restart();
        assertThat(stores.deliveries().unreportedEffects(clock.instant(), 10)).as("forgotten for good").isEmpty();
    }

    @Test
    void aWebhookFailingForTheWholePeriodIsDisabledAndTheEffectsAreTold() throws Exception {
        engineTakesNew.set(false);
        List<dev.eventwire.delivery.DeliveryEffect> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        stores.deliveries().listen(told::addAll);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e2", "x.y")), List.of()).get();
        List<DeliveryJob> jobs = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        Instant firstFailure = clock.instant();
        DeliveryJob e1 = jobs.stream().filter(j -> j.eventId().equals("e1")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(e1, DeliveryStatus.DEAD, Optional.empty()), () -> { }).get();
        assertThat(told).hasSize(1).first().isInstanceOf(dev.eventwire.delivery.DeliveryEffect.DeliveryDied.class);
        assertThat(stores.webhooks().find("a", "wh_1").orElseThrow().active()).as("one failure is not five days").isTrue();

        clock.advance(Duration.ofDays(5));
        DeliveryJob e2 = jobs.stream().filter(j -> j.eventId().equals("e2")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(e2, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(60))), () -> { }).get();
        var webhook = stores.webhooks().find("a", "wh_1").orElseThrow();
        assertThat(webhook.active()).isFalse();
        assertThat(webhook.disabledReason()).contains("every attempt failed since " + firstFailure);
        assertThat(told).last().isInstanceOfSatisfying(dev.eventwire.delivery.DeliveryEffect.WebhookDisabled.class,
                d -> assertThat(d.failingSince()).isEqualTo(firstFailure));
        assertThat(stores.deliveries().find("a", "wh_1", "e2").orElseThrow().status()).as("its pending deliveries are parked").isEqualTo(DeliveryStatus.DEAD);
    }

    NewEvent ofEntity(String id, String entity) {
        Instant now = clock.instant();
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"x.y\",\"entity_id\":\"" + entity + "\",\"occurred_at\":\"" + now + "\",\"data\":{}}";
        return new NewEvent("a", id, "x.y", Optional.of(entity), now, now, json.mapper().createObjectNode(), body);
    }

    List<String> claimIds() {
        return stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 100).jobs().stream()
                .map(DeliveryJob::eventId).sorted().toList();
    }

    @Test
    void anEntityOrderedWebhookGetsOneDeliveryPerEntityAtATimeInOrder() throws Exception {
        Webhook w = webhook("a", "wh_ordered").withOrdering(dev.eventwire.webhooks.Ordering.ENTITY);
        stores.webhooks().update(w, w.updatedAt(), false, () -> stores.registry().put(w));
        stores.events().append(List.of(ofEntity("x1", "X"), ofEntity("x2", "X"), ofEntity("y1", "Y"), event("a", "u1", "x.y")), List.of()).get();
        stores.events().append(List.of(ofEntity("x3", "X")), List.of()).get();
        clock.advance(LEASE.plusSeconds(1)); // the unordered one was handed over inline; let its lease lapse
        List<DeliveryJob> first = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 100).jobs();
        assertThat(first).extracting(DeliveryJob::eventId).as("the head of each entity, and what is not ordered")
                .containsExactlyInAnyOrder("x1", "y1", "u1");
        DeliveryJob x1 = first.stream().filter(j -> j.eventId().equals("x1")).findFirst().orElseThrow();
        stores.deliveries().record(outcome(x1, DeliveryStatus.PENDING, Optional.of(clock.instant().plusSeconds(30))), () -> { }).get();
        assertThat(claimIds()).as("x1 waits for its retry and holds back x2 and x3").isEmpty();
        clock.advance(Duration.ofSeconds(31));
        List<DeliveryJob> retry = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 100).jobs();
        assertThat(retry).extracting(DeliveryJob::eventId).containsExactly("x1");
        stores.deliveries().record(outcome(retry.getFirst(), DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        List<DeliveryJob> next = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 100, id -> 100).jobs();
        assertThat(next).extracting(DeliveryJob::eventId).as("delivered: the next of its entity goes").containsExactly("x2");
        stores.deliveries().record(outcome(next.getFirst(), DeliveryStatus.DEAD, Optional.empty()), () -> { }).get();
        assertThat(claimIds()).as("dead: the next goes too").containsExactly("x3");
    }

    @Test
    void aRenewedLeaseKeepsADeliveryHeldPastItsFirstLease() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y")), List.of()).get();
        List<DeliveryJob> held = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(held).hasSize(1);
        clock.advance(LEASE.multipliedBy(2).dividedBy(3));
        stores.deliveries().renewLeases(held, clock.instant().plus(LEASE)).get();
        clock.advance(LEASE.dividedBy(2)); // past the first lease, within the renewed one
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs()).as("still held").isEmpty();
        clock.advance(LEASE);
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs()).as("lapsed at last").hasSize(1);
    }

    @Test
    void aWebhooksRotationRateLimitAndOrderingAreStored() {
        Webhook w = webhook("a", "wh_1");
        Instant now = clock.instant();
        Webhook changed = w.withRotatedSecret("whsec_UHJldmlvdXNseU5ld1NlY3JldEZvclRlc3Rpbmcx", now.plus(Duration.ofHours(24)), now)
                .withRateLimit(Optional.of(12.5)).withOrdering(dev.eventwire.webhooks.Ordering.ENTITY);
        stores.webhooks().update(changed, w.updatedAt(), false, () -> stores.registry().put(changed));
        Webhook stored = stores.webhooks().find("a", "wh_1").orElseThrow();
        assertThat(stored.secret()).isEqualTo("whsec_UHJldmlvdXNseU5ld1NlY3JldEZvclRlc3Rpbmcx");
        assertThat(stored.previousSecret()).hasValueSatisfying(p -> {
            assertThat(p.secret()).isEqualTo(w.secret());
            assertThat(p.validUntil()).isEqualTo(now.plus(Duration.ofHours(24)));
        });
        assertThat(stored.signingSecrets(now)).containsExactly(stored.secret(), w.secret());
        assertThat(stored.signingSecrets(now.plus(Duration.ofHours(25)))).containsExactly(stored.secret());
        assertThat(stored.rateLimit()).contains(12.5);
        assertThat(stored.ordering()).isEqualTo(dev.eventwire.webhooks.Ordering.ENTITY);
        assertThat(stores.webhooks().loadActive()).extracting(Webhook::rateLimit).containsExactly(Optional.of(12.5));
    }

    /**
     * A change saved over state another change replaced meanwhile, or over a removed webhook, is refused
     * (nothing changes, nothing runs after it): two requests that read the same state cannot both apply,
     * and none brings a removed webhook back into the fan-out.
     */
    @Test
    void aChangeOverStateChangedOrRemovedMeanwhileIsRefused() {
        Webhook w = webhook("a", "wh_1");
        clock.advance(Duration.ofSeconds(1));
        Webhook first = w.withUpdate("https://example.com/first", Optional.of("first"), w.filters(), true, Optional.empty(), clock.instant());
        Webhook second = w.withUpdate(w.url(), Optional.of("second"), w.filters(), true, Optional.empty(), clock.instant().plusNanos(1000));
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        assertThat(stores.webhooks().update(first, w.updatedAt(), false, ran::incrementAndGet)).isTrue();
        assertThat(stores.webhooks().update(second, w.updatedAt(), false, ran::incrementAndGet)).as("read before the first was saved").isFalse();
        assertThat(ran.get()).isEqualTo(1);
        assertThat(stores.webhooks().find("a", "wh_1").orElseThrow().description()).contains("first");

        clock.advance(Duration.ofSeconds(1));
        Webhook removed = first.withUpdate(first.url(), first.description(), first.filters(), false, Optional.of("deleted"), clock.instant());
        assertThat(stores.webhooks().delete(removed, ran::incrementAndGet)).isTrue();
        assertThat(stores.webhooks().delete(removed, ran::incrementAndGet)).as("removed already").isFalse();
        Webhook revived = first.withUpdate(first.url(), first.description(), first.filters(), true, Optional.empty(), clock.instant());
        assertThat(stores.webhooks().update(revived, removed.updatedAt(), false, ran::incrementAndGet)).as("over a removed webhook").isFalse();
        assertThat(ran.get()).isEqualTo(2);
        assertThat(stores.webhooks().find("a", "wh_1")).isEmpty();
        assertThat(stores.webhooks().loadActive()).isEmpty();
    }
}
