package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On saturated cores the acknowledgement path runs first: the ingest writer at normal priority, the
 * bookkeeping nobody's request waits on (outcomes, rollups) and the delivery threads below it.
 */
class WriterPriorityTest {
    @TempDir
    Path dir;

    @Test
    void theIngestWriterRunsAheadOfTheDeliveryAndRollupWriters() {
        try (TestServer server = TestServer.start(dir)) {
            Map<String, Integer> priorities = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().endsWith("-writer") && t.getName().startsWith("eventwire-"))
                    .collect(Collectors.toMap(Thread::getName, Thread::getPriority, (a, b) -> a));
            assertThat(priorities).containsEntry("eventwire-ingest-writer", Thread.NORM_PRIORITY)
                    .containsEntry("eventwire-delivery-writer", Thread.MIN_PRIORITY)
                    .containsEntry("eventwire-rollup-writer", Thread.MIN_PRIORITY);
        }
    }
}
