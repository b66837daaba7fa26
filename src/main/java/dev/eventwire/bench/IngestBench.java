package dev.eventwire.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * {@code bench ingest}: drives a fresh server on loopback with (1) batches of 500 from 4 clients and
 * (2) single events from 32 clients, and prints events/s and request latency p50/p99 for each.
 */
public final class IngestBench {
    private final PrintStream out;
    private final Duration phase;

    public IngestBench(PrintStream out, Duration phase) {
        this.out = out;
        this.phase = phase;
    }

    public record Result(String name, long requests, long events, long errors, double seconds, Histogram latencyMicros) {
        double eventsPerSecond() {
            return events / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    public void run() {
        try (LocalServer server = new LocalServer(LocalServer.freshFolder("eventwire-bench-"), true, c -> c)) {
            String key = server.createTenantKey("bench", "bench");
            out.printf("bench ingest: server %s, %d cores, phases of %ds%n", server.baseUrl(), Runtime.getRuntime().availableProcessors(), phase.toSeconds());
            drive(server, key, "warm-up", 4, 100, Duration.ofSeconds(3));
            print(drive(server, key, "batches of 500, 4 clients", 4, 500, phase));
            print(drive(server, key, "single events, 32 clients", 32, 1, phase));
            print(drive(server, key, "single events, 16 clients", 16, 1, phase));
        }
    }

    private void print(Result r) {
        out.printf("%-28s %9.0f events/s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  (%d events in %.1fs)%n",
                r.name(), r.eventsPerSecond(), r.requestsPerSecond(),
                r.latencyMicros().getValueAtPercentile(50) / 1000.0, r.latencyMicros().getValueAtPercentile(99) / 1000.0,
                r.errors(), r.events(), r.seconds());
    }

    public Result drive(LocalServer server, String key, String name, int clients, int batchSize, Duration duration) {
        Recorder recorder = new Recorder(3);
        AtomicLong requests = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < deadline) {
                    String body = batchSize == 1 ? SyntheticEvents.one(ThreadLocalRandom.current()) : SyntheticEvents.batch(ThreadLocalRandom.current(), batchSize);
                    long t0 = System.nanoTime();
                    LoadClient.Reply reply = server.client().post("/v1/events", key, body);
                    recorder.recordValue((System.nanoTime() - t0) / 1000);
                    requests.incrementAndGet();
                    if (reply.status() == 200 || reply.status() == 202) events.addAndGet(batchSize);
                    else errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(name, requests.get(), events.get(), errors.get(), seconds, recorder.getIntervalHistogram());
    }
}
