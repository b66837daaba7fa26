package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.EventBatches;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.ShiftedClock;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that comes back from a pause longer than its leases (SIGSTOP, a frozen VM, a long GC) finds the
 * deliveries its lanes held taken over by another replica. It must not send them again: it once sent its
 * whole in-memory queue a second time (1,110 repeats after a 25-s freeze, from outside). The pause is played
 * with clocks: the other replica's jumps past the leases first (it takes the deliveries over), then this one's.
 */
@ExtendWith(PostgresServer.class)
class PausedReplicaTest {
    private static final Duration PAUSE = Duration.ofMinutes(2);
    private final PostgresServer.Handle postgres;
    @TempDir
    Path dir;

    PausedReplicaTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    @Test
    void aReplicaBackFromAPausePastItsLeasesSendsNothingTheOtherTookOver() throws Exception {
        String url = postgres.freshDatabase();
        ShiftedClock clockA = new ShiftedClock();
        ShiftedClock clockB = new ShiftedClock();
        CountDownLatch gate = new CountDownLatch(1);
        int events = 200; // fewer than a lane holds: replica-a takes them all, and the store has nothing else to give replica-b
        try (TestServer a = TestServer.replica(dir.resolve("a"), url, "replica-a", clockA);
             TestServer b = TestServer.replica(dir.resolve("b"), url, "replica-b", clockB);
             Receiver receiver = new Receiver()) {
            receiver.answerOnceOpen(gate);
            ApiClient onA = a.tenant("acme");
            assertThat(onA.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/paused") + "\"}").status()).isEqualTo(201);
            assertThat(onA.post("/v1/events", EventBatches.batch("order.created", 0, events)).status()).isEqualTo(200);
            // The receiver answers nothing yet: replica-a has its in-flight share out and the rest queued in memory.
            Receiver.await(() -> receiver.received().size() >= 16, Duration.ofSeconds(20), "replica-a's first requests in flight");
            Thread.sleep(300);
            int inFlightAtPause = receiver.received().size();
            long heldByA = a.metric("eventwire_delivery_held");
            assertThat(heldByA).as("replica-a holds every delivery").isEqualTo(events);

            // replica-a "pauses": for replica-b its leases lapse, and it takes the deliveries over.
            clockB.shift(PAUSE);
            Receiver.await(() -> b.metric("eventwire_delivery_held") > 0, Duration.ofSeconds(20), "replica-b taking over");
            // replica-a "resumes", its own clock moved on by the pause, and the receiver answers again.
            clockA.shift(PAUSE);
            gate.countDown();

            try {
                Receiver.await(() -> receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count() == events,
                        Duration.ofSeconds(60), "every delivery received");
            } catch (AssertionError e) {
                String hook = onA.get("/v1/webhooks").json().get("webhooks").get(0).get("id").asText();
                throw new AssertionError(String.format("%s: received %d distinct; replica-a holds %d, lost %d; replica-b holds %d; pending: %s", e.getMessage(),
                        receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count(), a.metric("eventwire_delivery_held"),
                        a.metric("eventwire_delivery_leases_lost_total"), b.metric("eventwire_delivery_held"),
                        onA.get("/v1/webhooks/" + hook + "/deliveries?status=pending&limit=3").body()), e);
            }
            Thread.sleep(1_000); // what replica-a would still send, it would have sent by now
            Map<String, Long> copies = receiver.received().stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
            System.out.printf("paused replica: held %d, in flight %d, lost %d, held now %d, b held now %d, received %d%n", heldByA, inFlightAtPause,
                    a.metric("eventwire_delivery_leases_lost_total"), a.metric("eventwire_delivery_held"), b.metric("eventwire_delivery_held"), receiver.received().size());
            long repeats = copies.values().stream().mapToLong(n -> n - 1).sum();
            // Only what replica-a had already sent when it paused can arrive twice: replica-b could not know it had.
            assertThat(repeats).as("repeats (replica-a held %d, had %d in flight)", heldByA, inFlightAtPause).isLessThanOrEqualTo(inFlightAtPause);
            assertThat(a.metric("eventwire_delivery_leases_lost_total")).as("deliveries replica-a dropped unsent").isPositive();
            // What replica-a had in flight was answered after replica-b took it over: its outcomes are refused, and
            // the counters an operator sums across replicas count each delivery once.
            String delivered = "eventwire_deliveries_finished_total{status=\"delivered\"}";
            Receiver.await(() -> a.metric(delivered) + b.metric(delivered) >= events, Duration.ofSeconds(20), "every outcome recorded");
            Thread.sleep(500);
            assertThat(a.metric(delivered) + b.metric(delivered)).as("deliveries finished, summed over the replicas").isEqualTo(events);
            assertThat(a.metric("eventwire_delivery_outcomes_taken_over_total")).as("replica-a's refused outcomes: what it had in flight")
                    .isEqualTo(inFlightAtPause);
            assertThat(a.metric("eventwire_delivery_latency_seconds_count") + b.metric("eventwire_delivery_latency_seconds_count"))
                    .as("one latency sample per delivery").isEqualTo(events);
        } finally {
            gate.countDown();
        }
    }
}
