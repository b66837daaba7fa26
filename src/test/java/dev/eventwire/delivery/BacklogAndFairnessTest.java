package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shapes users create: bursts beyond a lane, many webhooks on one host, one tenant's backlog beside another's traffic, restarts. */
class BacklogAndFairnessTest {
    private static final int LANE = EngineSettings.defaults(Duration.ofSeconds(15)).laneCapacity();

    @TempDir
    Path dir;

    static String batch(String prefix, int from, int count) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = from; i < from + count; i++) {
            b.append(i == from ? "" : ",").append("{\"event_id\":\"").append(prefix).append(i).append("\",\"event_type\":\"order.created\"}");
        }
        return b.append("]}").toString();
    }

    static void post(ApiClient client, String prefix, int events) {
        for (int from = 0; from < events; from += 1000) {
            ApiClient.Response r = client.post("/v1/events", batch(prefix, from, Math.min(1000, events - from)));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    static long p99(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    static String eventId(Receiver.Received r) {
        return r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aBurstOfFiveLanesDrainsAtTheSendRateWithNoSecondAttempt() {
        // The clock never moves: anything that waited for a lease to lapse would never arrive.
        MutableClock clock = MutableClock.startingNow();
        int events = 5 * LANE;
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c)) {
            ApiClient acme = server.tenant("acme");
            acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/burst") + "\"}");
            long start = System.nanoTime();
            post(acme, "b-", events);
            await(() -> receiver.received().size() >= events, Duration.ofSeconds(60), events + " deliveries");
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Integer> perEvent = new HashMap<>();
            for (Receiver.Received r : receiver.received()) perEvent.merge(eventId(r), 1, Integer::sum);
            assertThat(perEvent).hasSize(events);
            assertThat(perEvent.values()).as("no delivery attempted twice").containsOnly(1);
            assertThat(receiver.received()).extracting(r -> r.header("eventwire-attempt")).containsOnly("1");
            // Far below the 60 s lease: bounded by how fast this receiver takes requests, not by any lease.
            assertThat(seconds).as("seconds from the first post to the last delivery").isLessThan(30);
        }
    }

    /** What the server has claimed from its store so far (its own metric, as an operator reads it). */
    private static long claimed(TestServer server) {
        return server.metric("eventwire_delivery_claimed_total");
    }

    @Test
    void olderWorkAClaimBringsGoesAheadOfTheYoungerWorkTheLaneHolds() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c)) {
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/lane") + "\"}").json().get("id").asText();
            receiver.answerStatus(500);
            post(acme, "old-", 1);
            await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries/old-0").json().get("attempts").asInt() == 1, Duration.ofSeconds(10),
                    "the first attempt of old-0 recorded as failed");
            // From here the receiver holds every request until the gate opens: 32 in flight, the rest wait in the lane.
            receiver.answerOnceOpen(gate);
            int younger = 100;
            post(acme, "new-", younger);
            await(() -> receiver.received().size() == 1 + 32, Duration.ofSeconds(10), "32 younger deliveries in flight");
            long claimedBefore = claimed(server);
            clock.advance(Duration.ofSeconds(6)); // old-0's retry (5 s ± 10 %) is due: the poller claims it into the lane
            await(() -> claimed(server) > claimedBefore, Duration.ofSeconds(10), "old-0 claimed");
            gate.countDown();
            await(() -> receiver.received().size() == 2 + younger, Duration.ofSeconds(30), "every delivery");
            List<String> order = receiver.received().stream().map(BacklogAndFairnessTest::eventId).toList();
            int retried = order.lastIndexOf("old-0");
            // Sent with the first slots that freed, ahead of the 68 younger deliveries that waited in the lane
            // (first come first served would have sent it after all of them, at position 101).
            assertThat(retried).as("position of old-0's retry among %s", order).isBetween(1 + 32, 1 + 32 + 32);
        } finally {
            gate.countDown();
        }
    }

    @Test
    void fiftyWebhooksOnOneHostKeepTheirLatencyWhileOneOfThemHangs() {
        int events = 100;
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withDeliveryTimeout(Duration.ofSeconds(8)))) {
            receiver.answer(r -> r.path().equals("/h0") ? new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(30)) : Receiver.Answer.status(200));
            ApiClient acme = server.tenant("acme");
            for (int h = 0; h < 50; h++) acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/h" + h) + "\"}");
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            for (int i = 0; i < events; i++) {
                String id = "host-" + i;
                assertThat(acme.post("/v1/events", "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\"}").status()).isEqualTo(202);
                acknowledged.put(id, System.nanoTime());
            }
            await(() -> receiver.received().stream().filter(r -> !r.path().equals("/h0")).count() >= 49L * events,
                    Duration.ofSeconds(30), "49 healthy webhooks got every event");
            List<Long> millis = new ArrayList<>();
            for (Receiver.Received r : receiver.received()) {
                if (!r.path().equals("/h0")) millis.add(Math.max(0, r.receivedNanos() - acknowledged.get(eventId(r))) / 1_000_000);
            }
            assertThat(p99(millis)).as("p99 ms of the 49 healthy webhooks sharing the host").isLessThan(1000);
        }
    }

    @Test
    void aTenantsBacklogOfAHundredThousandDoesNotDelayAnotherTenantsFreshDeliveries() {
        try (Receiver busy = new Receiver(); Receiver quiet = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c)) {
            ApiClient a = server.tenant("tenant-a");
            ApiClient b = server.tenant("tenant-b");
            // A's receiver takes 20 ms a request: its 32 slots drain ~1,600/s, so the backlog lasts past B's run.
            busy.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofMillis(20)));
            a.post("/v1/webhooks", "{\"url\":\"" + busy.url("/a") + "\"}");
            b.post("/v1/webhooks", "{\"url\":\"" + quiet.url("/b") + "\"}");
            post(a, "a-", 100_000);
            int aBefore = busy.received().size();
            assertThat(aBefore).as("A's backlog is still draining when B starts").isLessThan(60_000);

            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            for (int i = 0; i < 200; i++) {
                String id = "b-" + i;
                assertThat(b.post("/v1/events", "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\"}").status()).isEqualTo(202);
                acknowledged.put(id, System.nanoTime());
                pause(Duration.ofMillis(10));
            }
            await(() -> quiet.received().size() >= 200, Duration.ofSeconds(10), "B's 200 deliveries");
            List<Long> millis = new ArrayList<>();
            for (Receiver.Received r : quiet.received()) millis.add(Math.max(0, r.receivedNanos() - acknowledged.get(eventId(r))) / 1_000_000);
            assertThat(p99(millis)).as("B's accepted → received p99 in ms beside A's backlog").isLessThan(100);
            assertThat(busy.received().size()).as("A's backlog kept flowing meanwhile").isGreaterThan(aBefore + 1000);
        }
    }

    @Test
    void aCleanRestartWithAHundredThousandPendingDrainsWithoutWaitingForLeases() {
        MutableClock clock = MutableClock.startingNow();
        int events = 100_000;
        try (Receiver receiver = new Receiver()) {
            // The receiver hangs: 32 attempts are in flight and cut off at shutdown, the rest wait in the store.
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(60)));
            TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c);
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}").json().get("id").asText();
            post(acme, "r-", events);
            server.close();

            receiver.answerStatus(200);
            // Attempts that hung past the 15 s timeout while the backlog was posted, or were cut off at
            // shutdown, are due again 5 s after they ended: at most 20 s after they began. A lease of the
            // previous process (2 × 15 s + 30 s) is still far from lapsing.
            clock.advance(Duration.ofSeconds(21));
            long start = System.nanoTime();
            TestServer again = TestServer.withLoopbackReceivers(dir, clock, c -> c);
            ApiClient client = again.withKey(acme.key());
            await(() -> receiver.received().stream().map(BacklogAndFairnessTest::eventId).distinct().count() >= events,
                    Duration.ofSeconds(90), "every event delivered after the restart");
            double seconds = (System.nanoTime() - start) / 1e9;
            await(() -> client.get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=1").json().get("deliveries").isEmpty(),
                    Duration.ofSeconds(30), "nothing pending");
            Map<String, List<Receiver.Received>> byEvent = new HashMap<>();
            for (Receiver.Received r : receiver.received()) byEvent.computeIfAbsent(eventId(r), k -> new ArrayList<>()).add(r);
            long repeated = byEvent.values().stream().filter(l -> l.size() > 1).count();
            assertThat(repeated).as("only the attempts in flight at the hanging receiver are sent again").isLessThanOrEqualTo(32);
            for (List<Receiver.Received> got : byEvent.values()) {
                assertThat(got).extracting(r -> r.header("webhook-id")).as("a repeat keeps its webhook-id").containsOnly(got.getFirst().header("webhook-id"));
            }
            assertThat(seconds).as("seconds to drain 100,000 after the restart").isLessThan(60);
            again.close();
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
