package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers ingest orders while readers hammer the (cached) metric. After each acknowledged ingest, a read
 * by the same writer must include it; no reader ever sees fewer orders than were acknowledged before
 * its read began.
 */
class ReadYourWritesTest {
    @TempDir
    Path dir;

    @Test
    void noReadMissesAnAcknowledgedEvent() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            AtomicLong acknowledged = new AtomicLong();
            AtomicInteger stale = new AtomicInteger();
            AtomicInteger reads = new AtomicInteger();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 60; i++) {
                        assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":1}}").status()).isEqualTo(202);
                        long mine = acknowledged.incrementAndGet();
                        long seen = acme.get("/v1/metrics/order_count?window=5m").json().get("value").asLong();
                        reads.incrementAndGet();
                        if (seen < mine) stale.incrementAndGet();
                    }
                }));
            }
            for (int r = 0; r < 4; r++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (writing.get()) {
                        long before = acknowledged.get();
                        long seen = acme.get("/v1/metrics/order_count?window=5m").json().get("value").asLong();
                        reads.incrementAndGet();
                        if (seen < before) stale.incrementAndGet();
                    }
                }));
            }
            for (int i = 0; i < 4; i++) threads.get(i).join();
            writing.set(false);
            for (Thread t : threads) t.join();
            assertThat(stale.get()).as("stale reads out of " + reads.get()).isZero();
            assertThat(acme.get("/v1/metrics/order_count?window=5m").json().get("value").asLong()).isEqualTo(240);
        }
    }
}
