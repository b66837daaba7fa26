package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.events.AppendOutcome;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folding every point acknowledged so far folds the points of events still only in the journal: the
 * rollup writer does not wait for the event log, so it folded nothing when the event log was behind (a
 * slow machine's retention round then kept the old events' points).
 */
class RollUpAllTest {
    @TempDir
    Path dir;

    @Test
    void pointsOfEventsStillOnlyInTheJournalAreFoldedToo() throws Exception {
        try (JournaledStore store = JournaledStore.open(dir)) {
            CountDownLatch release = store.holdEventLogWriter();
            assertThat(store.events().append(List.of(JournaledStore.event("ord-1"), JournaledStore.event("ord-2")), List.of())
                    .get(10, TimeUnit.SECONDS)).containsOnly(AppendOutcome.ACCEPTED);
            // The event log's writer goes on a little after the fold is asked for.
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });

            store.backend().metrics().rollUpAll();

            long folded = store.backend().database().read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT coalesce(sum(n), 0) FROM metric_buckets WHERE tenant = 'acme' AND metric = 'order_count'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(folded).as("order_count points in the minute buckets").isEqualTo(2);
        }
    }
}
