package dev.eventwire.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients ingest overlapping batches at once (they share group commits). Afterwards every event
 * is stored exactly once, and exactly one request saw each id as accepted.
 */
class ConcurrentIngestTest {
    @TempDir
    Path dir;

    @Test
    void overlappingBatchesFromManyThreadsStoreEachEventOnce() throws Exception {
        int distinctIds = 2000;
        int threads = 16;
        int requestsPerThread = 12;
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            ApiClient globex = server.tenant("globex");
            ConcurrentHashMap<String, AtomicInteger> acceptedCount = new ConcurrentHashMap<>();
            AtomicInteger duplicateAnswers = new AtomicInteger();
            AtomicInteger wrongAnswers = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    for (int r = 0; r < requestsPerThread; r++) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"events\":[");
                        for (int i = 0; i < 200; i++) {
                            String id = "id-" + random.nextInt(distinctIds);
                            ids.add(id);
                            if (i > 0) body.append(',');
                            body.append("{\"event_id\":\"").append(id).append("\",\"event_type\":\"order.created\"}");
                        }
                        body.append("]}");
                        ApiClient client = seed % 4 == 0 ? globex : acme;
                        String tenant = seed % 4 == 0 ? "globex" : "acme";
                        JsonNode answer = client.post("/v1/events", body.toString()).json();
                        JsonNode results = answer.get("results");
                        for (int i = 0; i < ids.size(); i++) {
                            JsonNode item = results.get(i);
                            if (!item.get("event_id").asText().equals(ids.get(i)) || item.get("index").asInt() != i) wrongAnswers.incrementAndGet();
                            switch (item.get("status").asText()) {
                                case "accepted" -> acceptedCount.computeIfAbsent(tenant + "/" + ids.get(i), k -> new AtomicInteger()).incrementAndGet();
                                case "duplicate" -> duplicateAnswers.incrementAndGet();
                                default -> wrongAnswers.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            pool.shutdown();

            assertThat(wrongAnswers.get()).isZero();
            assertThat(acceptedCount.values()).allSatisfy(c -> assertThat(c.get()).as("accepted exactly once").isEqualTo(1));
            assertThat(acceptedCount.size() + duplicateAnswers.get()).isEqualTo(threads * requestsPerThread * 200);

            Set<String> stored = new HashSet<>();
            int rows = 0;
            for (String tenant : List.of("acme", "globex")) {
                ApiClient client = tenant.equals("acme") ? acme : globex;
                String cursor = null;
                do {
                    JsonNode page = client.get("/v1/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).json();
                    for (JsonNode e : page.get("events")) {
                        stored.add(tenant + "/" + e.get("event_id").asText());
                        rows++;
                    }
                    cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                } while (cursor != null);
            }
            assertThat(rows).as("no event stored twice").isEqualTo(stored.size());
            assertThat(stored).isEqualTo(acceptedCount.keySet());
        }
    }
}
