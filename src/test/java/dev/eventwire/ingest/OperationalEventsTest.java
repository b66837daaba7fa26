package dev.eventwire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.DeadDelivery;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.delivery.UnreportedEffects;
import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.EventQuery;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.events.EventValidator;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.StoreUnavailableException;
import dev.eventwire.webhooks.WebhookRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An operational event whose append fails (the store refusing writes for a while) is tried again until it
 * is stored, and given up after the last try; a death stays kept until its event is stored, and a sweep
 * reports what is left. The store here refuses a given number of appends, then
 * keeps what it is given; the retry schedule is shortened to milliseconds.
 */
class OperationalEventsTest {
    private static final Json JSON = new Json();

    /** Refuses the first {@code failures} appends as a store that cannot write does, then records them. */
    private static final class RefusingStore implements EventStore {
        final AtomicInteger failuresLeft;
        final AtomicInteger tries = new AtomicInteger();
        final List<NewEvent> stored = new CopyOnWriteArrayList<>();

        RefusingStore(int failures) {
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejected) {
            tries.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) return CompletableFuture.failedFuture(new StoreUnavailableException("cannot write: disk full", null));
            stored.addAll(events);
            return CompletableFuture.completedFuture(events.stream().map(e -> AppendOutcome.ACCEPTED).toList());
        }

        @Override
        public Optional<StoredEvent> find(String tenant, String eventId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<StoredEvent> list(EventQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<RejectedEvent> listRejected(String tenant, PageRequest page) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredEvent> receivedBetween(String tenant, Instant since, Instant until, long afterSeq, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<EventTypeStats> eventTypes(String tenant, Instant since, java.util.Optional<String> after, int limit) {
            throw new UnsupportedOperationException();
        }
    }

    /** Effects the delivery store keeps until told they are reported, as the stores do in their outcome transaction. */
    private static final class KeptEffects implements UnreportedEffects {
        final List<DeliveryEffect> kept = new CopyOnWriteArrayList<>();

        @Override
        public List<DeliveryEffect> unreportedEffects(Instant before, int limit) {
            return kept.stream().filter(e -> at(e).isBefore(before)).limit(limit).toList();
        }

        @Override
        public CompletableFuture<Void> effectsReported(java.util.Collection<DeliveryEffect> reported) {
            kept.removeAll(reported);
            return CompletableFuture.completedFuture(null);
        }

        private static Instant at(DeliveryEffect e) {
            return switch (e) {
                case DeliveryEffect.DeliveryDied d -> d.dead().diedAt();
                case DeliveryEffect.WebhookDisabled w -> w.at();
                case DeliveryEffect.WebhookRecovered r -> r.at();
            };
        }
    }

    private final KeptEffects kept = new KeptEffects();

    private OperationalEvents reporting(EventStore store, int tries) {
        return new OperationalEvents(store, kept, EventValidator.forOperationalEvents(JSON, new Ids(Clock.systemUTC())), new WebhookRegistry(), JSON,
                Clock.systemUTC(), java.util.Collections.nCopies(tries - 1, Duration.ofMillis(20)));
    }

    /** A death as the store tells it after its commit, kept until reported. */
    private DeliveryEffect died(String messageId, int attempt) {
        DeadDelivery dead = DeadDelivery.of(new AttemptRecord("acme", "wh_1", "e1", messageId, "order.created", attempt, Trigger.RETRY,
                Optional.of(500), false, Optional.of("HTTP 500"), 12, "", Instant.parse("2026-12-01T00:00:00Z"), DeliveryStatus.DEAD,
                Optional.empty(), Optional.empty(), 1, 1));
        DeliveryEffect effect = new DeliveryEffect.DeliveryDied(dead);
        kept.kept.add(effect);
        return effect;
    }

    @Test
    void anAppendThatFailsIsTriedAgainUntilTheStoreTakesIt() {
        RefusingStore store = new RefusingStore(3);
        try (OperationalEvents events = reporting(store, 5)) {
            events.committed(List.of(died("msg_01M8QJJJ0NMCTDKFZTKQB00000", 2)));
            Receiver.await(() -> store.stored.size() == 1, Duration.ofSeconds(10), "the dead event stored on the fourth try");
            assertThat(store.tries.get()).isEqualTo(4);
            assertThat(store.stored.getFirst().eventId()).isEqualTo("evw_dead_msg_01M8QJJJ0NMCTDKFZTKQB00000_2");
            assertThat(store.stored.getFirst().eventType()).isEqualTo("eventwire.delivery.dead");
            Receiver.await(kept.kept::isEmpty, Duration.ofSeconds(10), "the death forgotten once its event is stored");
        }
    }

    @Test
    void afterTheLastTryItIsGivenUp() throws InterruptedException {
        RefusingStore store = new RefusingStore(100);
        try (OperationalEvents events = reporting(store, 3)) {
            events.committed(List.of(died("msg_01M8QJJJ0NMCTDKFZTKQB00001", 2)));
            Receiver.await(() -> store.tries.get() == 3, Duration.ofSeconds(10), "three tries");
            Thread.sleep(200);
            assertThat(store.tries.get()).as("no fourth try").isEqualTo(3);
            assertThat(store.stored).isEmpty();
            assertThat(kept.kept).as("still kept for a sweep").hasSize(1);
        }
    }

    @Test
    void aSweepReportsTheDeathsAFailedAppendLeftAndForgetsThem() {
        RefusingStore store = new RefusingStore(2);
        try (OperationalEvents events = reporting(store, 2)) {
            events.committed(List.of(died("msg_01M8QJJJ0NMCTDKFZTKQB00002", 3)));
            Receiver.await(() -> store.tries.get() == 2, Duration.ofSeconds(10), "two tries, both refused");
            assertThat(events.sweep(Instant.parse("2026-12-01T00:00:00Z"))).as("only deaths before the given instant").isZero();
            assertThat(events.sweep(Instant.parse("2026-12-01T00:01:00Z"))).isEqualTo(1);
            assertThat(store.stored).extracting(NewEvent::eventId).containsExactly("evw_dead_msg_01M8QJJJ0NMCTDKFZTKQB00002_3");
            assertThat(kept.kept).isEmpty();
            assertThat(events.sweep(Instant.parse("2026-12-01T00:01:00Z"))).as("nothing left").isZero();
        }
    }

    @Test
    void aDeathOfAnOperationalEventIsForgottenWithoutAnEvent() {
        RefusingStore store = new RefusingStore(0);
        try (OperationalEvents events = reporting(store, 2)) {
            DeadDelivery dead = new DeadDelivery(7, "acme", "wh_1", "evw_dead_x_1", "msg_01M8QJJJ0NMCTDKFZTKQB00003", "eventwire.delivery.dead", 5,
                    Optional.of("HTTP 500"), Instant.parse("2026-12-01T00:00:00Z"));
            kept.kept.add(new DeliveryEffect.DeliveryDied(dead));
            events.committed(List.of(new DeliveryEffect.DeliveryDied(dead)));
            assertThat(kept.kept).isEmpty();
            assertThat(store.tries.get()).isZero();
        }
    }

    @Test
    void aWebhookChangeWhoseAppendFailedIsReportedByASweep() {
        RefusingStore store = new RefusingStore(1);
        try (OperationalEvents events = reporting(store, 1)) {
            DeliveryEffect disabled = new DeliveryEffect.WebhookDisabled("acme", "wh_1", "every attempt failed since 2026-11-26T00:00:00Z",
                    Instant.parse("2026-11-26T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
            kept.kept.add(disabled);
            events.committed(List.of(disabled));
            Receiver.await(() -> store.tries.get() == 1, Duration.ofSeconds(10), "one try, refused");
            assertThat(kept.kept).as("kept after the failed append").containsExactly(disabled);
            assertThat(events.sweep(Instant.parse("2026-12-01T00:01:00Z"))).isEqualTo(1);
            assertThat(store.stored).singleElement().satisfies(e -> {
                assertThat(e.eventId()).isEqualTo("evw_disabled_wh_1_" + Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
                assertThat(e.eventType()).isEqualTo("eventwire.webhook.disabled");
            });
            assertThat(kept.kept).isEmpty();
        }
    }
}
