package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the event log is far behind the journal (its writer held here, as a long checkpoint holds it), large
 * batches wait before they are queued, and a single event is still acknowledged at once: before, the
 * wait was the journaling thread's, and the single event waited in line behind the batches.
 */
class IngestBacklogFairnessTest {
    @TempDir
    Path dir;

    private static NewEvent big(String id) {
        Instant now = Instant.now();
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"" + now
                + "\",\"data\":{\"pad\":\"" + "x".repeat(5_000) + "\"}}";
        return new NewEvent("acme", id, "order.created", Optional.empty(), now, now, new dev.eventwire.support.Json().mapper().createObjectNode(), body);
    }

    @Test
    void aSingleEventIsAcknowledgedWhileLargeBatchesWaitForTheEventLog() throws Exception {
        try (JournaledStore store = JournaledStore.open(dir)) {
            CountDownLatch release = store.holdEventLogWriter();
            // 20 batches of 1,000 events of 5 KB, 100 MB in all: more than the event log may fall behind by.
            List<Thread> posters = new ArrayList<>();
            List<CompletableFuture<List<AppendOutcome>>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int b = 0; b < 20; b++) {
                int batch = b;
                posters.add(Thread.ofVirtual().start(() -> {
                    List<NewEvent> events = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) events.add(big("big-" + batch + "-" + i));
                    batches.add(store.events().append(events, List.of()));
                }));
            }
            Thread.sleep(3_000); // the journal takes what fits, the rest waits
            CompletableFuture<List<AppendOutcome>> single = store.events().append(List.of(JournaledStore.event("single-1")), List.of());
            assertThat(single.get(2, TimeUnit.SECONDS)).as("the single event, acknowledged while the event log is held").containsExactly(AppendOutcome.ACCEPTED);
            release.countDown();
            for (Thread t : posters) t.join();
            for (CompletableFuture<List<AppendOutcome>> f : batches) assertThat(f.get(60, TimeUnit.SECONDS)).hasSize(1_000).containsOnly(AppendOutcome.ACCEPTED);
        }
    }
}
