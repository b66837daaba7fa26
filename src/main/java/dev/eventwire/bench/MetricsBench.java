package dev.eventwire.bench;

import dev.eventwire.metrics.MetricWindow;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code bench metrics}: loads a fresh server with N events spread over the last 20 hours, then measures
 * (1) freshness: ingest acknowledged → a metric read that reflects it, counting stale reads,
 * (2) read latency p50/p99 over every window while ingesting 1,000 events/s,
 * (3) reads at past {@code as_of} values, each new, and (4) the time a restart takes to serve again.
 */
public final class MetricsBench {
    private static final List<String> READ_METRICS = List.of("events_total", "revenue", "order_count", "avg_order_value",
            "error_rate", "payment_failure_rate", "active_sessions", "conversion_rate");

    private static final long READ_INTERVAL_MICROS = 20_000;

    private final PrintStream out;
    private final long preload;
    private final int sessions;
    private final int pairs;
    private final Duration phase;

    public MetricsBench(PrintStream out, long preload, int sessions, int pairs, Duration phase) {
        this.out = out;
        this.preload = preload;
        this.sessions = sessions;
        this.pairs = pairs;
        this.phase = phase;
    }

    public void run() {
        Path folder = LocalServer.freshFolder("eventwire-bench-");
        String key;
        try (LocalServer server = new LocalServer(folder, false, c -> c)) {
            key = server.createTenantKey("bench", "bench");
            out.printf("bench metrics: %d cores; loading %d events (%d sessions) over the last 20 hours...%n",
                    Runtime.getRuntime().availableProcessors(), preload, sessions);
            long t0 = System.nanoTime();
            load(server, key);
            out.printf("loaded %d events in %.1fs; heap after GC %.0f MiB%n", preload, (System.nanoTime() - t0) / 1e9, heapAfterGcMiB());
            awaitRollup(server, key);
            freshness(server);
            reads(server, key);
            pastAsOfReads(server, key);
        }
        // A restart rebuilds the in-memory rollups from the store before serving.
        long t0 = System.nanoTime();
        try (LocalServer server = new LocalServer(folder, true, c -> c)) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            long total = server.parse(server.client().get("/v1/metrics/events_total?window=24h", key).body()).get("value").asLong();
            out.printf("restart: serving after %.1fs (rollups rebuilt); events_total over 24h %d; heap after GC %.0f MiB%n",
                    startSeconds, total, heapAfterGcMiB());
        }
    }

    private static double heapAfterGcMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    private void load(LocalServer server, String key) {
        // In time order, as a backfill or live traffic arrives; each batch of 1,000 is one slice of the 20 hours.
        Random random = new Random(1);
        Instant start = Instant.now().minus(Duration.ofHours(20));
        double stepMillis = (double) Duration.ofHours(20).toMillis() / preload;
        List<Thread> loaders = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        for (int t = 0; t < 4; t++) {
            loaders.add(Thread.ofVirtual().start(() -> {
                Random r = new Random(random.nextLong());
                for (long first = next.getAndAdd(1000); first < preload; first = next.getAndAdd(1000)) {
                    StringBuilder b = new StringBuilder(200_000).append("{\"events\":[");
                    for (int i = 0; i < 1000; i++) {
                        if (i > 0) b.append(',');
                        String occurred = start.plusMillis((long) ((first + i) * stepMillis)).truncatedTo(ChronoUnit.MILLIS).toString();
                        b.append(SyntheticEvents.one(r, sessions).replaceFirst("\"occurred_at\":\"[^\"]+\"", "\"occurred_at\":\"" + occurred + "\""));
                    }
                    LoadClient.Reply reply = server.client().post("/v1/events", key, b.append("]}").toString());
                    if (reply.status() != 200) throw new IllegalStateException("load failed: " + reply);
                }
            }));
        }
        for (Thread t : loaders) join(t);
    }

    /** Reads are measured once the background fold into the durable rollups has caught up with the load. */
    private void awaitRollup(LocalServer server, String key) {
        long t0 = System.nanoTime();
        server.awaitMetricRollups();
        long total = server.parse(server.client().get("/v1/metrics/events_total?window=24h", key).body()).get("value").asLong();
        out.printf("durable rollups caught up after %.1fs; events_total over 24h reads %d%n", (System.nanoTime() - t0) / 1e9, total);
    }

    /** ack → read pairs from 4 writers on their own tenant: every read must include every event acknowledged before it. */
    private void freshness(LocalServer server) {
        String key = server.createTenantKey("fresh", "fresh");
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Recorder ackToFresh = new Recorder(3);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < 4; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (done.incrementAndGet() <= pairs) {
                    server.client().post("/v1/events", key, "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":1}}");
                    long mustSee = acknowledged.incrementAndGet();
                    long acked = System.nanoTime();
                    long seen = server.parse(server.client().get("/v1/metrics/order_count?window=1h", key).body()).get("value").asLong();
                    ackToFresh.recordValue((System.nanoTime() - acked) / 1000);
                    if (seen < mustSee) stale.incrementAndGet();
                }
            }));
        }
        threads.forEach(MetricsBench::join);
        Histogram h = ackToFresh.getIntervalHistogram();
        out.printf("freshness: %d ack→read pairs in %.1fs, %d stale; ack→fresh read p50 %.2f ms p99 %.2f ms%n", h.getTotalCount(),
                (System.nanoTime() - t0) / 1e9, stale.get(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0);
    }

    /** A dashboard-like reader, first with nothing else running, then while ingesting 1,000 events/s. */
    private void reads(LocalServer server, String key) {
        readPhase(server, key, false);
        readPhase(server, key, true);
    }

    private void readPhase(LocalServer server, String key, boolean ingesting) {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ingested = new AtomicLong();
        // 1,000 events/s: 4 producers, each sending a batch of 10 every 40 ms on a fixed schedule.
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; ingesting && p < 4; p++) {
            int seed = p;
            producers.add(Thread.ofVirtual().start(() -> {
                long start = System.nanoTime() + seed * 10_000_000L;
                Random r = new Random(seed);
                for (long i = 0; running.get(); i++) {
                    long wait = start + i * 40_000_000L - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    StringBuilder b = new StringBuilder("{\"events\":[");
                    for (int k = 0; k < 10; k++) b.append(k == 0 ? "" : ",").append(SyntheticEvents.one(r, sessions));
                    if (server.client().post("/v1/events", key, b.append("]}").toString()).status() == 200) ingested.addAndGet(10);
                }
            }));
        }
        // A read every 20 ms, cycling through the metrics and every window, on a platform thread as a client in
        // its own process would be. Timed from request sent to response read; a read slower than the 20 ms
        // interval also records the reads it held up (HdrHistogram's correction for coordinated omission).
        Recorder all = new Recorder(3);
        Recorder serverSide = new Recorder(3);
        Map<String, Recorder> byWindow = new LinkedHashMap<>();
        for (String w : MetricWindow.NAMES) byWindow.put(w, new Recorder(3));
        long end = System.nanoTime() + phase.toNanos();
        long t0 = System.nanoTime();
        Thread reader = Thread.ofPlatform().name("bench-metric-reader").start(() -> {
            for (int i = 0; System.nanoTime() < end; i++) {
                long due = t0 + i * READ_INTERVAL_MICROS * 1000;
                long wait = due - System.nanoTime();
                if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                String metric = READ_METRICS.get(i % READ_METRICS.size());
                String window = MetricWindow.NAMES.get((i / READ_METRICS.size()) % MetricWindow.NAMES.size());
                long sent = System.nanoTime();
                LoadClient.Reply reply = server.client().get("/v1/metrics/" + metric + "?window=" + window, key);
                long micros = (System.nanoTime() - sent) / 1000;
                all.recordValueWithExpectedInterval(micros, READ_INTERVAL_MICROS);
                byWindow.get(window).recordValueWithExpectedInterval(micros, READ_INTERVAL_MICROS);
                serverSide.recordValue(serverMicros(reply));
                if (server.parse(reply.body()).has("error")) throw new IllegalStateException(reply.body());
            }
        });
        join(reader);
        running.set(false);
        producers.forEach(MetricsBench::join);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Histogram h = all.getIntervalHistogram();
        out.printf("reads of %d metrics x 7 windows (%d+ events in the 24h+ windows) %s: %d reads, p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                READ_METRICS.size(), preload, ingesting ? String.format("while ingesting %.0f events/s", ingested.get() / seconds) : "with no other load",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        Histogram inServer = serverSide.getIntervalHistogram();
        out.printf("  in the server (Server-Timing: finding or computing the value): p50 %.3f ms p99 %.3f ms max %.2f ms%n",
                inServer.getValueAtPercentile(50) / 1000.0, inServer.getValueAtPercentile(99) / 1000.0, inServer.getMaxValue() / 1000.0);
        StringBuilder perWindow = new StringBuilder("  p99 by window:");
        byWindow.forEach((w, r) -> perWindow.append(String.format(" %s %.2f ms", w, r.getIntervalHistogram().getValueAtPercentile(99) / 1000.0)));
        out.println(perWindow);
    }

    private static long serverMicros(LoadClient.Reply reply) {
        String timing = reply.headers().getOrDefault("server-timing", "");
        int at = timing.indexOf("dur=");
        return at < 0 ? 0 : Math.round(Double.parseDouble(timing.substring(at + 4)) * 1000);
    }

    /** Reads at a fixed past as_of, each one new (nothing cached); distinct counts of past windows come from the store. */
    private void pastAsOfReads(LocalServer server, String key) {
        for (String metric : READ_METRICS) {
            Recorder one = new Recorder(3);
            for (int i = 0; i < 50; i++) {
                long s = System.nanoTime();
                server.client().get("/v1/metrics/" + metric + "?window=24h&as_of=" + Instant.now().minusSeconds(1 + i), key);
                one.recordValue((System.nanoTime() - s) / 1000);
            }
            Histogram m = one.getIntervalHistogram();
            out.printf("  %-22s past as_of read p50 %6.2f ms p99 %6.2f ms%n", metric, m.getValueAtPercentile(50) / 1000.0, m.getValueAtPercentile(99) / 1000.0);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
