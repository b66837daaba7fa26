package dev.eventwire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.Trigger;
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
 * is stored, and given up after the last try. The store here refuses a given number of appends, then
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

    private static OperationalEvents reporting(EventStore store, int tries) {
        return new OperationalEvents(store, EventValidator.forOperationalEvents(JSON, new Ids(Clock.systemUTC())), new WebhookRegistry(), JSON,
                java.util.Collections.nCopies(tries - 1, Duration.ofMillis(20)));
    }

    private static DeliveryEffect died(String messageId, int attempt) {
        return new DeliveryEffect.DeliveryDied(new AttemptRecord("acme", "wh_1", "e1", messageId, "order.created", attempt, Trigger.RETRY,
                Optional.of(500), false, Optional.of("HTTP 500"), 12, "", Instant.parse("2026-12-01T00:00:00Z"), DeliveryStatus.DEAD,
                Optional.empty(), Optional.empty(), 1, 1));
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
        }
    }
}
