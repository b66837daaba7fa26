package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.events.NewEvent;
import dev.eventwire.store.duckdb.DuckDbBackend;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.webhooks.Webhook;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.Delivery;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.support.PageRequest;
import org.junit.jupiter.api.Test;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookRegistry;
import java.nio.file.Path;
import java.time.Duration;

/** The store contract against the embedded DuckDB adapter, on real database files. */
class DuckDbStoreContractTest extends StoreContractTest {
    private static final String ROWS = "SELECT webhook_id, event_id, message_id, seq, event_seq, entity_key, lease_until_us, created_us FROM delivery_queue ORDER BY seq";

    /**
     * One process owns a DuckDB store, so an attempt in flight when its webhook was removed is still its
     * own: the outcome that arrives after the parking counts the attempt and logs it (once, however often
     * it is recorded); the receiver answered 200, so the delivery is delivered, not parked dead.
     */
    @Test
    void anOutcomeArrivingAfterItsDeliveryWasParkedIsCountedAndLoggedOnce() throws Exception {
        Webhook w = webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "a.b")), List.of()).get();
        clock.advance(LEASE.plusSeconds(1));
        dev.eventwire.delivery.DeliveryJob job = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        stores.webhooks().update(w.withUpdate(w.url(), w.description(), w.filters(), false, Optional.of("paused"), clock.instant()), w.updatedAt(), true,
                () -> stores.registry().remove(w));
        var delivered = outcome(job, dev.eventwire.delivery.DeliveryStatus.DELIVERED, Optional.empty());
        stores.deliveries().record(delivered, () -> { }).get();
        stores.deliveries().record(delivered, () -> { }).get();
        var arrived = stores.deliveries().find("a", "wh_1", "e1").orElseThrow();
        assertThat(arrived.status()).isEqualTo(dev.eventwire.delivery.DeliveryStatus.DELIVERED);
        assertThat(arrived.lastError()).isEmpty();
        assertThat(arrived.attempts()).isEqualTo(1);
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).hasSize(1);
    }

    /**
     * An event is acknowledged once the event log holds it with the record of the deliveries it owes; the
     * delivery rows reach the delivery file a moment later. A crash in between (simulated here by taking
     * the rows and the cursor back) must cost nothing: the next start writes the same rows — same numbers,
     * same message ids (the receivers' idempotency keys), same entity.
     */
    @Test
    void deliveriesAcknowledgedButNotYetInTheDeliveryFileAreWrittenAtTheNextStart() throws Exception {
        webhook("a", "wh_1");
        Webhook ordered = webhook("a", "wh_2").withOrdering(dev.eventwire.webhooks.Ordering.ENTITY);
        stores.webhooks().update(ordered, ordered.updatedAt(), false, () -> stores.registry().put(ordered));
        NewEvent ofEntity = new NewEvent("a", "e2", "x.y", Optional.of("E"), clock.instant(), clock.instant(), json.mapper().createObjectNode(),
                "{\"event_id\":\"e2\",\"event_type\":\"x.y\",\"entity_id\":\"E\",\"data\":{}}");
        stores.events().append(List.of(event("a", "e1", "x.y"), ofEntity), List.of()).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1")).isPresent();
        stores.closer().close();

        List<List<Object>> written;
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            written = database.read(DuckDbStoreContractTest::rows);
            database.read(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DELETE FROM delivery_queue");
                    st.execute("UPDATE fan_out_cursor SET event_seq = 0");
                }
                return null;
            });
        }
        assertThat(written).hasSize(4);
        assertThat(written).filteredOn(r -> "e2".equals(r.get(1)) && "wh_2".equals(r.get(0))).singleElement()
                .satisfies(r -> assertThat(r.get(5)).isEqualTo("E"));
        assertThat(written).filteredOn(r -> "e1".equals(r.get(1))).allSatisfy(r -> assertThat(r.get(6)).as("taken in memory: leased").isNotNull());

        restart();
        stores.closer().close();
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            List<List<Object>> again = database.read(DuckDbStoreContractTest::rows);
            assertThat(again).isEqualTo(written);
        }
        restart(); // for the closing in stop()
    }

    /**
     * Under a steady load the engine attempts a delivery in memory before its row reaches the delivery
     * file, and the outcome comes in the same transaction that writes the row. What a user reads must be
     * what the outcome said, exactly as when the outcome finds a row written before it: a delivered one
     * with its code, times and one logged attempt, never claimed again; a failed one pending, due at its
     * retry and then claimed as attempt 2.
     */
    @Test
    void anOutcomeThatArrivesWithItsDeliveryRowIsWhatTheRowSays() throws Exception {
        webhook("a", "wh_1");
        Instant acceptedAt = clock.instant();
        stores.events().append(List.of(event("a", "e1", "a.b")), List.of()).get();
        DeliveryJob first = inlineJob("e1");
        clock.advance(Duration.ofMillis(1500));
        AttemptRecord delivered = outcome(first, DeliveryStatus.DELIVERED, Optional.empty());
        stores.deliveries().record(delivered, () -> { }).get();
        stores.deliveries().record(delivered, () -> { }).get();

        Delivery d = stores.deliveries().find("a", "wh_1", "e1").orElseThrow();
        assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.lastStatusCode()).contains(200);
        assertThat(d.lastError()).isEmpty();
        assertThat(d.messageId()).isEqualTo(first.messageId());
        assertThat(d.createdAt()).isEqualTo(acceptedAt.truncatedTo(ChronoUnit.MICROS));
        assertThat(d.updatedAt()).as("when the answer came").isEqualTo(delivered.answeredAt().truncatedTo(ChronoUnit.MICROS));
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).as("logged once, however often recorded").hasSize(1);
        assertThat(stores.deliveries().list("a", "wh_1", new dev.eventwire.delivery.DeliveryFilter(Optional.of(DeliveryStatus.DELIVERED), Optional.empty()), new PageRequest(10, OptionalLong.empty())).items())
                .extracting(Delivery::eventId).containsExactly("e1");

        stores.events().append(List.of(event("a", "e2", "a.b")), List.of()).get();
        DeliveryJob second = inlineJob("e2");
        Instant retryAt = clock.instant().plusSeconds(5);
        stores.deliveries().record(outcome(second, DeliveryStatus.PENDING, Optional.of(retryAt)), () -> { }).get();
        Delivery failed = stores.deliveries().find("a", "wh_1", "e2").orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.nextAttemptAt()).contains(retryAt.truncatedTo(ChronoUnit.MICROS));
        assertThat(failed.lastStatusCode()).contains(500);
        assertThat(failed.lastError()).contains("HTTP 500");
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs()).as("not due yet").isEmpty();

        clock.advance(LEASE.plusSeconds(1));
        List<DeliveryJob> due = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(due).as("the delivered one is never claimed; the failed one is, unleased, as its second attempt").singleElement().satisfies(job -> {
            assertThat(job.eventId()).isEqualTo("e2");
            assertThat(job.attempt()).isEqualTo(2);
            assertThat(job.trigger()).isEqualTo(Trigger.RETRY);
        });
    }

    /** The job the engine was handed in memory for an event's delivery (to wh_1). */
    private DeliveryJob inlineJob(String eventId) {
        QueuedDelivery q = queued.stream().filter(d -> d.eventId().equals(eventId)).findFirst().orElseThrow();
        assertThat(q.inline()).isTrue();
        return new DeliveryJob(q.tenant(), q.webhookId(), q.eventId(), q.messageId(), "a.b", 1, 1, Trigger.INLINE, "{}", q.seq(), q.lease());
    }

    /**
     * While every lane is full behind a receiver that does not answer, no outcome is recorded and nothing
     * is claimed, so no delivery writer transaction would come to write the delivery rows of the events
     * that keep arriving: they would all be written at once by the first transaction after the receiver
     * answers, while the lanes run dry. A long enough run of logged events gets a transaction of its own.
     */
    @Test
    void theDeliveryRowsOfALongRunOfEventsAreWrittenWithoutAnOutcomeOrAClaimToCarryThem() throws Exception {
        webhook("a", "wh_1");
        for (int batch = 0; batch < 3; batch++) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) events.add(event("a", "run-" + batch + "-" + i, "x.y"));
            stores.events().append(events, List.of()).get();
        }
        stores.closer().close(); // runs what is queued, writes nothing more: the next start would write the rest

        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            assertThat(database.read(DuckDbStoreContractTest::rows)).as("delivery rows written before the close").hasSizeGreaterThanOrEqualTo(1000);
        }
        restart(); // for the closing in stop()
    }

    private static List<List<Object>> rows(Connection c) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ROWS)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= 8; i++) row.add(rs.getObject(i));
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    StoreBackend backend(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        return new DuckDbBackend(dir, new Ids(clock), clock, lease, new FiltersCodec(new Json()), new LocalReplica("test", "test", clock.instant()),
                dev.eventwire.delivery.WebhookHealthRule.disablingAfter(java.time.Duration.ofDays(5)),
                dev.eventwire.support.CommitObserver.NONE);
    }
}
