package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.CommitObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged groups are written into the event log together, at most about once per apply interval
 * while nobody reads, instead of one transaction per group; and a read right after an acknowledgement
 * still finds the event, because it asks for the write at once.
 */
class EventLogPacingTest {
    @TempDir
    Path dir;

    @Test
    void singleEventRequestsShareEventLogTransactionsAndAreReadRightAfterTheirAcknowledgement() throws Exception {
        AtomicInteger eventLogCommits = new AtomicInteger();
        CommitObserver commits = (writer, nanos) -> {
            if (writer.equals("eventwire-ingest-writer")) eventLogCommits.incrementAndGet();
        };
        int requests = 300;
        try (JournaledStore store = JournaledStore.open(dir, commits)) {
            int before = eventLogCommits.get();
            long started = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                store.events().append(List.of(JournaledStore.event("e-" + i)), List.of()).get(10, TimeUnit.SECONDS);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int during = eventLogCommits.get() - before;
            // One journal write per request (each waited for its acknowledgement before the next); the event
            // log's writer commits per interval, plus the rollup writer's reads once a second asking at once.
            long bound = millis / EventLogApplier.APPLY_INTERVAL.toMillis() + 2 * (millis / 1000) + 4;
            assertThat(during).as("event log transactions for %d acknowledgements in %d ms", requests, millis)
                    .isLessThanOrEqualTo((int) Math.min(bound, requests / 3));

            store.events().append(List.of(JournaledStore.event("last")), List.of()).get(10, TimeUnit.SECONDS);
            assertThat(store.events().find("acme", "last")).as("read right after its acknowledgement").isPresent();
            for (int i = 0; i < requests; i++) assertThat(store.events().find("acme", "e-" + i)).as("e-" + i).isPresent();
        }
    }
}
