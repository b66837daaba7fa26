package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a restart the minute cells come back without their points, so reads whose edges fall inside those
 * minutes fetch the points from the store — while late events keep landing in the same minutes. No read
 * may miss an acknowledged event or count one twice.
 */
class EdgeFetchConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void edgeFetchesRacingLateEventsNeitherMissNorDoubleCount() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:30:00Z"));
        Instant now = clock.instant();
        Random random = new Random();
        List<Instant> acknowledged = new CopyOnWriteArrayList<>();
        Queue<Instant> attempted = new ConcurrentLinkedQueue<>();

        TestServer first = TestServer.start(dir, c -> c, clock);
        ApiClient acme = first.tenant("acme");
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant at = randomTime(random, now);
            batch.add("{\"event_type\":\"page.viewed\",\"occurred_at\":\"" + at + "\",\"data\":{}}");
            attempted.add(at);
            acknowledged.add(at);
        }
        assertThat(acme.post("/v1/events", "{\"events\":[" + String.join(",", batch) + "]}").json().get("accepted").asInt()).isEqualTo(300);
        first.close();

        try (TestServer server = TestServer.start(dir, c -> c, clock)) {
            ApiClient client = server.withKey(acme.key());
            AtomicBoolean writing = new AtomicBoolean(true);
            List<String> failures = new CopyOnWriteArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random();
                    for (int i = 0; i < 100; i++) {
                        Instant at = randomTime(r, now);
                        attempted.add(at);
                        ApiClient.Response res = client.post("/v1/events", "{\"event_type\":\"page.viewed\",\"occurred_at\":\"" + at + "\",\"data\":{}}");
                        if (res.status() != 202 && res.status() != 200) failures.add("ingest " + res.status() + " " + res.body());
                        acknowledged.add(at);
                    }
                }));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    Random rr = new Random();
                    while (writing.get()) {
                        Instant asOf = randomTime(rr, now);
                        long mustSee = countUpTo(acknowledged, asOf);
                        long value = client.get("/v1/metrics/events_total?window=1h&as_of=" + asOf).json().get("value").asLong();
                        long mayBe = countUpTo(attempted, asOf);
                        if (value < mustSee || value > mayBe) failures.add("as_of " + asOf + ": " + value + " outside [" + mustSee + ", " + mayBe + "]");
                    }
                }));
            }
            for (Thread t : writers) t.join();
            writing.set(false);
            for (Thread t : readers) t.join();
            assertThat(failures).isEmpty();

            for (int i = 0; i < 30; i++) {
                Instant asOf = randomTime(random, now);
                assertThat(client.get("/v1/metrics/events_total?window=1h&as_of=" + asOf).json().get("value").asLong())
                        .as("as_of " + asOf).isEqualTo(countUpTo(acknowledged, asOf));
            }
        }
    }

    /** A time in the 30 minutes before {@code now}, to the microsecond. */
    private static Instant randomTime(Random random, Instant now) {
        return now.minus(Duration.ofMinutes(30)).plus(random.nextLong(Duration.ofMinutes(30).toNanos() / 1000), ChronoUnit.MICROS);
    }

    private static long countUpTo(Iterable<Instant> times, Instant asOf) {
        long n = 0;
        for (Instant t : times) {
            if (!t.isAfter(asOf)) n++;
        }
        return n;
    }
}
