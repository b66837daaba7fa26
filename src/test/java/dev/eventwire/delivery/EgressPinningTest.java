package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard runs before every attempt, asks DNS once per attempt, and the connection goes to the address
 * it checked: a name that re-points to a forbidden address is refused without any connection to it.
 */
class EgressPinningTest {
    @TempDir
    Path dir;

    @Test
    void dnsIsAskedOncePerAttemptAndARebindIsRefused() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AtomicReference<String> answer = new AtomicReference<>("127.0.0.1");
        HostResolver dns = host -> {
            if (!host.equals("hooks.test")) throw new java.net.UnknownHostException(host);
            lookups.incrementAndGet();
            return List.of(InetAddress.getByName(answer.get()));
        };
        MutableClock clock = MutableClock.startingNow();
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.start(dir, c -> c.withEgressAllow(List.of("127.0.0.1/32"))
                     .withRetrySchedule(List.of(Duration.ofSeconds(10))), clock, dns)) {
            ApiClient acme = server.tenant("acme");
            String url = "http://hooks.test:" + receiver.port() + "/in";
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + url + "\"}").json().get("id").asText();
            assertThat(lookups.get()).as("checked at registration").isEqualTo(1);

            acme.post("/v1/events", "{\"event_id\":\"e1\",\"event_type\":\"a.b\"}");
            await(() -> "delivered".equals(status(acme, id, "e1")), Duration.ofSeconds(10), "e1 delivered");
            assertThat(receiver.receivedFor("e1")).as("connected to the checked address").hasSize(1);
            assertThat(receiver.receivedFor("e1").getFirst().header("host")).startsWith("hooks.test");
            assertThat(lookups.get()).as("one lookup for the attempt").isEqualTo(2);

            answer.set("10.0.0.7");
            acme.post("/v1/events", "{\"event_id\":\"e2\",\"event_type\":\"a.b\"}");
            await(() -> acme.get("/v1/webhooks/" + id + "/deliveries/e2").json().path("attempts").asInt() == 1, Duration.ofSeconds(10), "e2 attempted");
            JsonNode d = acme.get("/v1/webhooks/" + id + "/deliveries/e2").json();
            assertThat(d.get("status").asText()).isEqualTo("pending");
            assertThat(d.get("last_error").asText()).contains("10.0.0.7").contains("egress");
            assertThat(receiver.receivedFor("e2")).isEmpty();
            assertThat(lookups.get()).isEqualTo(3);

            answer.set("127.0.0.1");
            clock.advance(Duration.ofSeconds(12));
            await(() -> "delivered".equals(status(acme, id, "e2")), Duration.ofSeconds(10), "e2 delivered after DNS is sane again");
            assertThat(lookups.get()).isEqualTo(4);
        }
    }

    static String status(ApiClient acme, String webhookId, String eventId) {
        return acme.get("/v1/webhooks/" + webhookId + "/deliveries/" + eventId).json().path("status").asText();
    }
}
