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

/**
 * One tenant's huge fan-out is bounded per request: 1,000 webhooks × a 1000-event batch is refused whole
 * (413, nothing stored), batches that fit are accepted and delivered, and another tenant is served
 * throughout. (Its latency during the fan-out is measured from outside by scripts/fanout-isolation.sh; see the README.)
 */
class FanOutIsolationTest {
    @TempDir
    Path dir;

    @Test
    void aThousandWebhooksTimesAThousandEventsIsRefusedWholeAndAnotherTenantIsServed() throws Exception {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withLimits(Limits.defaults().withMaxWebhooksPerTenant(1000)))) {
            ApiClient wide = server.tenant("wide");
            ApiClient other = server.tenant("other");
            for (int i = 0; i < 1000; i++) {
                assertThat(wide.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/w" + i) + "\"}").status()).isEqualTo(201);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Integer> otherStatuses = Collections.synchronizedList(new ArrayList<>());
            Thread steady = Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    otherStatuses.add(other.post("/v1/events", "{\"event_id\":\"o-" + i + "\",\"event_type\":\"a.b\"}").status());
                }
            });
            StringBuilder thousand = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 1000; i++) thousand.append(i == 0 ? "" : ",").append("{\"event_type\":\"a.b\"}");
            ApiClient.Response refused = wide.post("/v1/events", thousand.append("]}").toString());
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.json().get("error").get("code").asText()).isEqualTo("too_many_deliveries");
            String ten = "{\"events\":[" + "{\"event_type\":\"a.b\"},".repeat(9) + "{\"event_type\":\"a.b\"}]}";
            for (int round = 0; round < 2; round++) {
                ApiClient.Response fits = wide.post("/v1/events", ten);
                assertThat(fits.status()).as(fits.body()).isEqualTo(200);
                assertThat(fits.json().get("accepted").asInt()).as("10 events × 1000 webhooks fit").isEqualTo(10);
                Thread.sleep(300);
            }
            Thread.sleep(1000); // the 20,000 deliveries are still being sent and recorded meanwhile
            running.set(false);
            steady.join();
            assertThat(otherStatuses).as("the other tenant is served throughout").isNotEmpty().containsOnly(202);
            // Generous: on a machine shared with other builds this drain took over two minutes (35 s alone).
            Receiver.await(() -> receiver.received().size() >= 20_000, java.time.Duration.ofSeconds(300), "20,000 deliveries");
        }
    }
}
