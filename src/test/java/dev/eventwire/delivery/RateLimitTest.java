package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.EventBatches;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webhook's rate limit: its backlog leaves at that rate, measured at the receiver; other webhooks are not held back. */
class RateLimitTest {
    @TempDir
    Path dir;

    @Test
    void twoThousandDeliveriesAtOneHundredPerSecondTakeTwentySecondsWhileAnotherWebhookRunsAtFullSpeed() {
        try (Receiver limited = new Receiver(); Receiver free = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"" + limited.url("/slow") + "\",\"rate_limit\":100,"
                    + "\"filters\":{\"event_types\":[\"order\"]}}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("rate_limit").asDouble()).isEqualTo(100.0);
            acme.post("/v1/webhooks", "{\"url\":\"" + free.url("/fast") + "\",\"filters\":{\"event_types\":[\"deploy\"]}}");

            for (int b = 0; b < 4; b++) assertThat(acme.post("/v1/events", EventBatches.batch("order", b * 500, 500)).status()).isEqualTo(200);
            for (int b = 0; b < 4; b++) assertThat(acme.post("/v1/events", EventBatches.batch("deploy", b * 500, 500)).status()).isEqualTo(200);

            Receiver.await(() -> free.received().size() >= 2000, Duration.ofSeconds(10), "the unlimited webhook's 2000 at full speed");
            assertThat(limited.received().size()).as("the limited one is still going when the other is done").isLessThan(1500);
            Receiver.await(() -> limited.received().size() >= 2000, Duration.ofSeconds(40), "the limited webhook's 2000");
            List<Receiver.Received> got = limited.received();
            double seconds = (got.getLast().receivedNanos() - got.getFirst().receivedNanos()) / 1e9;
            assertThat(seconds).as("1999 intervals at 100/s: 20 s ± 5 %").isBetween(19.0, 21.0);
            // Judged window by window too: every 10 s window starting on a whole second holds 1000 ± 5 %.
            long start = got.getFirst().receivedNanos();
            for (int from = 0; from + 10 <= (int) seconds; from++) {
                long lo = start + from * 1_000_000_000L;
                long hi = lo + 10_000_000_000L;
                long inWindow = got.stream().filter(r -> r.receivedNanos() >= lo && r.receivedNanos() < hi).count();
                assertThat(inWindow).as("deliveries in [" + from + " s, " + (from + 10) + " s)").isBetween(950L, 1050L);
            }
            assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).as("each once").hasSize(2000);
        }
    }

    @Test
    void aRateLimitIsAPositiveNumberOrNull() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            for (String bad : List.of("0", "-1", "\"100\"", "1e9", "true", "10000.5", "5e-324", "1e-300", "0.0009")) {
                ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\",\"rate_limit\":" + bad + "}");
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(422);
                assertThat(r.json().get("error").get("field").asText()).isEqualTo("rate_limit");
            }
            String id = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\",\"rate_limit\":0.5}").json().get("id").asText();
            assertThat(acme.get("/v1/webhooks/" + id).json().get("rate_limit").asDouble()).isEqualTo(0.5);
            assertThat(acme.get("/v1/webhooks/" + id).json().get("rate_limit").toString()).isEqualTo("0.5");
            assertThat(acme.patch("/v1/webhooks/" + id, "{\"rate_limit\":null}").json().get("rate_limit").isNull()).isTrue();
            assertThat(acme.patch("/v1/webhooks/" + id, "{\"rate_limit\":25}").json().get("rate_limit").asDouble()).isEqualTo(25.0);
            assertThat(acme.get("/v1/webhooks/" + id).json().get("rate_limit").asDouble()).as("stored").isEqualTo(25.0);
            assertThat(acme.get("/v1/webhooks/" + id).json().get("rate_limit").toString()).as("as written: 25, not 25.0").isEqualTo("25");
        }
    }

    @Test
    void removingARateLimitReleasesWhatItWasHoldingBackWithinASecondOrTwo() {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            // The slowest rate there is: after the first delivery the next may leave only 1,000 s later.
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/slowest") + "\",\"rate_limit\":0.001}").json().get("id").asText();
            for (int i = 1; i <= 3; i++) assertThat(acme.post("/v1/events", "{\"event_id\":\"e" + i + "\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            Receiver.await(() -> receiver.received().size() == 1, Duration.ofSeconds(10), "the first delivery");
            assertThat(acme.patch("/v1/webhooks/" + id, "{\"rate_limit\":null}").status()).isEqualTo(200);
            Receiver.await(() -> receiver.received().size() == 3, Duration.ofSeconds(5), "the two held back, once the limit is gone");
        }
    }

    /** A limit raised, rather than removed, applies as quickly: the next send is spaced by the new rate. */
    @Test
    void raisingARateLimitReleasesWhatTheOldOneHeldBackWithinASecondOrTwo() {
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/raised") + "\",\"rate_limit\":0.001}").json().get("id").asText();
            for (int i = 1; i <= 2; i++) assertThat(acme.post("/v1/events", "{\"event_id\":\"r" + i + "\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            Receiver.await(() -> receiver.received().size() == 1, Duration.ofSeconds(10), "the first delivery");
            assertThat(acme.patch("/v1/webhooks/" + id, "{\"rate_limit\":5}").status()).isEqualTo(200);
            for (int i = 3; i <= 5; i++) assertThat(acme.post("/v1/events", "{\"event_id\":\"r" + i + "\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            Receiver.await(() -> receiver.received().size() == 5, Duration.ofSeconds(5), "the four held back, at the raised rate");
        }
    }
}
