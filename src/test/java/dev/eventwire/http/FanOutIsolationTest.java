package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.Limits;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tenant's huge fan-out is bounded per request, so another tenant's ingest latency stays put. */
class FanOutIsolationTest {
    @TempDir
    Path dir;

    @Test
    void aThousandWebhooksTimesAThousandEventsIsRefusedAndAnotherTenantKeepsItsLatency() throws Exception {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withLimits(Limits.defaults().withMaxWebhooksPerTenant(1000)))) {
            ApiClient wide = server.tenant("wide");
            ApiClient other = server.tenant("other");
            for (int i = 0; i < 1000; i++) {
                assertThat(wide.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/w" + i) + "\"}").status()).isEqualTo(201);
            }
            List<Long> otherMillis = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread steady = Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    long start = System.nanoTime();
                    int status = other.post("/v1/events", "{\"event_id\":\"o-" + i + "\",\"event_type\":\"a.b\"}").status();
                    otherMillis.add((System.nanoTime() - start) / 1_000_000);
                    assertThat(status).isEqualTo(202);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            StringBuilder thousand = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 1000; i++) thousand.append(i == 0 ? "" : ",").append("{\"event_type\":\"a.b\"}");
            ApiClient.Response refused = wide.post("/v1/events", thousand.append("]}").toString());
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.json().get("error").get("code").asText()).isEqualTo("too_many_deliveries");
            String ten = "{\"events\":[" + "{\"event_type\":\"a.b\"},".repeat(9) + "{\"event_type\":\"a.b\"}]}";
            for (int round = 0; round < 5; round++) {
                assertThat(wide.post("/v1/events", ten).json().get("accepted").asInt()).as("10 events × 1000 webhooks fit").isEqualTo(10);
            }
            Thread.sleep(500);
            running.set(false);
            steady.join();
            List<Long> sorted = new ArrayList<>(otherMillis);
            Collections.sort(sorted);
            long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
            assertThat(sorted.size()).isGreaterThan(20);
            assertThat(p99).as("the other tenant's ingest p99 in ms, beside 50,000 fanned-out deliveries").isLessThan(100);
        }
    }
}
