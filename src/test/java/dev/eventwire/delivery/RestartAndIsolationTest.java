package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartAndIsolationTest {
    @TempDir
    Path dir;

    @Test
    void deliveriesWaitingForTheirNextAttemptCompleteAfterARestart() {
        MutableClock clock = MutableClock.startingNow();
        try (Receiver receiver = new Receiver()) {
            receiver.answerStatus(503);
            TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c.withRetrySchedule(List.of(Duration.ofMinutes(5))));
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}").json().get("id").asText();
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 50; i++) batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"w-").append(i).append("\",\"event_type\":\"order.created\"}");
            acme.post("/v1/events", batch.append("]}").toString());
            await(() -> acme.get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=100").json().get("deliveries").findValues("attempts")
                    .stream().filter(a -> a.asInt() == 1).count() == 50, Duration.ofSeconds(10), "50 first attempts recorded");
            server.close();

            receiver.answerStatus(200);
            clock.advance(Duration.ofMinutes(6));
            TestServer again = TestServer.withLoopbackReceivers(dir, clock, c -> c.withRetrySchedule(List.of(Duration.ofMinutes(5))));
            ApiClient client = again.withKey(acme.key());
            await(() -> client.get("/v1/webhooks/" + id + "/deliveries?status=delivered&limit=100").json().get("deliveries").size() == 50,
                    Duration.ofSeconds(15), "all 50 delivered after restart");
            for (int i = 0; i < 50; i++) {
                List<Receiver.Received> got = receiver.receivedFor("w-" + i);
                assertThat(got).hasSize(2);
                assertThat(got.get(1).header("webhook-id")).isEqualTo(got.get(0).header("webhook-id"));
                assertThat(got.get(1).header("eventwire-attempt")).isEqualTo("2");
            }
            again.close();
        }
    }

    /**
     * An attempt still waiting for its answer when the stop's grace ends was recorded as failed ("the
     * receiver closed the connection": the stop's own doing) and waited out its lease after the restart.
     */
    @Test
    void anAttemptTheStopCutsOffIsNotRecordedAndIsSentAgainAtOnceAfterTheRestart() {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            // A delivery timeout past the stop's grace (10 s), so the stop, not the timeout, ends the attempt.
            TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(45)));
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}").json().get("id").asText();
            acme.post("/v1/events", "{\"event_id\":\"cut-1\",\"event_type\":\"order.created\"}");
            await(() -> receiver.received().size() == 1, Duration.ofSeconds(10), "the attempt reached the receiver");
            server.close();

            receiver.answerStatus(200);
            long restarted = System.nanoTime();
            TestServer again = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(45)));
            ApiClient client = again.withKey(acme.key());
            await(() -> receiver.received().size() == 2, Duration.ofSeconds(20), "sent again after the restart");
            assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("not after the 55-s lease of the stopped process").isLessThan(Duration.ofSeconds(20));
            assertThat(receiver.received().get(1).header("webhook-id")).isEqualTo(receiver.received().get(0).header("webhook-id"));
            await(() -> client.get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("deliveries").size() == 1,
                    Duration.ofSeconds(10), "delivered");
            var attempts = client.get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("deliveries").get(0);
            assertThat(attempts.get("attempts").asInt()).as("the cut-off attempt is not counted against the receiver").isEqualTo(1);
            again.close();
        }
    }

    @Test
    void aHangingEndpointDoesNotDelayAHealthyOne() {
        try (Receiver healthy = new Receiver(); Receiver hanging = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(40)))) {
            // Hangs past the test's end and the delivery timeout is longer than the test, so no attempt times
            // out meanwhile: the receiver's concurrency is exactly what the engine holds open at once.
            hanging.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            ApiClient acme = server.tenant("acme");
            acme.post("/v1/webhooks", "{\"url\":\"" + hanging.url("/slow") + "\"}");
            acme.post("/v1/webhooks", "{\"url\":\"" + healthy.url("/fast") + "\"}");

            AcceptedToReceived timing = new AcceptedToReceived();
            int events = 400;
            timing.postSingles(acme, "iso-", events);
            await(() -> healthy.received().size() >= events, Duration.ofSeconds(20), "healthy endpoint got every event");
            long p99 = timing.p99Millis(healthy.received());
            assertThat(p99).as("healthy p99 in ms while the other endpoint hangs").isLessThan(1000);
            assertThat(hanging.maxConcurrent()).as("the hanging endpoint holds at most its own in-flight slots").isBetween(1, 32);
        }
    }
}
