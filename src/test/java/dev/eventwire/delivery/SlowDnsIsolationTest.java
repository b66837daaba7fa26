package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook whose host name takes forever to resolve holds none of the threads other webhooks' attempts
 * run on: its lookups wait on their own, and a webhook next to it is delivered as usual.
 */
class SlowDnsIsolationTest {
    @TempDir
    Path dir;

    @Test
    void attemptsWaitingForDnsDoNotHoldUpAnotherWebhook() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        AtomicInteger waiting = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        HostResolver dns = host -> {
            if (!host.equals("slow.test")) throw new java.net.UnknownHostException(host);
            if (lookups.incrementAndGet() > 1) { // the first lookup is the check at registration
                waiting.incrementAndGet();
                try {
                    dnsAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                waiting.decrementAndGet();
            }
            return List.of(InetAddress.getLoopbackAddress());
        };
        try (Receiver receiver = new Receiver();
             TestServer server = TestServer.start(dir, c -> c.withEgressAllow(List.of("127.0.0.1/32")), MutableClock.startingNow(), dns)) {
            try {
                ApiClient acme = server.tenant("acme");
                acme.post("/v1/webhooks", "{\"url\":\"http://slow.test:" + receiver.port() + "/slow\"}");
                acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.port() + "/fast\"}");
                int events = 40;
                for (int i = 0; i < events; i++) acme.post("/v1/events", "{\"event_id\":\"e" + i + "\",\"event_type\":\"a.b\"}");

                await(() -> receiver.received().stream().filter(r -> r.path().equals("/fast")).count() == events, Duration.ofSeconds(20), "every event at the fast webhook");
                // Many more lookups hang at once than the delivery engine has threads (at least 4, twice the cores).
                int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
                await(() -> waiting.get() > threads, Duration.ofSeconds(10), "lookups of the slow host pending at once");
                assertThat(receiver.received().stream().filter(r -> r.path().equals("/slow"))).as("nothing reached the slow host while its name did not resolve").isEmpty();
            } finally {
                dnsAnswers.countDown();
            }
        }
    }
    @Test
    void aLookupThatFailsSlowlyCountsInTheWaitBeforeTheNextAttempt() {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver dns = host -> {
            if (lookups.incrementAndGet() == 1) return List.of(InetAddress.getLoopbackAddress()); // the check at registration
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        };
        try (TestServer server = TestServer.start(dir, c -> c.withEgressAllow(List.of("127.0.0.1/32"))
                .withRetrySchedule(dev.eventwire.support.Durations.parseList("10s")), MutableClock.startingNow(), dns)) {
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"http://gone.test:9/x\"}").json().get("id").asText();
            acme.post("/v1/events", "{\"event_id\":\"e1\",\"event_type\":\"a.b\"}");
            await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries/e1").json().path("attempts").asInt() == 1, Duration.ofSeconds(10), "the failed attempt");
            var delivery = acme.get("/v1/webhooks/" + hook + "/deliveries/e1").json();
            java.time.Instant attempted = java.time.Instant.parse(delivery.get("attempt_log").get(0).get("attempted_at").asText());
            java.time.Instant next = java.time.Instant.parse(delivery.get("next_attempt_at").asText());
            assertThat(Duration.between(attempted, next)).as("the 10 s (±10 %) count from the end of the 2 s lookup")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(11));
        }
    }
}
