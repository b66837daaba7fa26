package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Durations;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ordering per entity on a running server: one entity's events arrive strictly in order, through retries, while others flow. */
class OrderingTest {
    @TempDir
    Path dir;

    static String eventId(Receiver.Received r) {
        return r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void anEntityWhoseFirstDeliveryFailsTwiceStillArrivesInOrderWhileFiftyOthersFlow() {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withRetrySchedule(Durations.parseList("1s,1s,1s")))) {
            // The first event of entity "cart-1" fails twice, then succeeds.
            receiver.answer(r -> eventId(r).equals("cart-1-0") && Integer.parseInt(r.header("eventwire-attempt")) <= 2
                    ? Receiver.Answer.status(503) : Receiver.Answer.status(200));
            ApiClient acme = server.tenant("acme");
            ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/ordered") + "\",\"ordering\":\"entity\"}");
            assertThat(created.json().get("ordering").asText()).isEqualTo("entity");

            List<String> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) events.add("{\"event_id\":\"cart-1-" + i + "\",\"event_type\":\"cart.updated\",\"entity_id\":\"cart-1\"}");
            for (int e = 0; e < 50; e++) {
                for (int i = 0; i < 3; i++) {
                    events.add("{\"event_id\":\"other-" + e + "-" + i + "\",\"event_type\":\"cart.updated\",\"entity_id\":\"other-" + e + "\"}");
                }
            }
            assertThat(acme.post("/v1/events", "{\"events\":[" + String.join(",", events) + "]}").status()).isEqualTo(200);
            Receiver.await(() -> receiver.received().stream().filter(r -> eventId(r).startsWith("cart-1-")).count() >= 12, Duration.ofSeconds(30),
                    "cart-1's ten events, the first after two failures");

            List<Receiver.Received> all = receiver.received();
            List<String> cart = all.stream().map(OrderingTest::eventId).filter(id -> id.startsWith("cart-1-")).toList();
            assertThat(cart).as("attempts of one entity, one at a time, in acknowledgement order")
                    .containsExactly("cart-1-0", "cart-1-0", "cart-1-0", "cart-1-1", "cart-1-2", "cart-1-3", "cart-1-4", "cart-1-5", "cart-1-6",
                            "cart-1-7", "cart-1-8", "cart-1-9");
            int firstSuccess = -1;
            for (int i = 0; i < all.size(); i++) {
                if (eventId(all.get(i)).equals("cart-1-0") && all.get(i).header("eventwire-attempt").equals("3")) firstSuccess = i;
            }
            long othersBefore = all.subList(0, firstSuccess).stream().filter(r -> eventId(r).startsWith("other-")).count();
            assertThat(othersBefore).as("the other 50 entities did not wait for cart-1's retries").isEqualTo(150);
            for (int e = 0; e < 50; e++) {
                String prefix = "other-" + e + "-";
                assertThat(all.stream().map(OrderingTest::eventId).filter(id -> id.startsWith(prefix)).toList())
                        .containsExactly(prefix + 0, prefix + 1, prefix + 2);
            }
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/x") + "\",\"ordering\":\"strict\"}").status()).isEqualTo(422);
        }
    }
}
