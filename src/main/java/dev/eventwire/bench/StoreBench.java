package dev.eventwire.bench;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.Claim;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.store.duckdb.DuckDbDeliveryStore;
import dev.eventwire.store.duckdb.GroupCommitWriter;
import dev.eventwire.store.duckdb.SyntheticLoad;
import dev.eventwire.support.Ids;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * {@code bench store}: the delivery store alone, in process (an internals benchmark, no HTTP). For each
 * history size it loads that many finished deliveries, then drains a backlog of pending ones by claiming
 * batches and recording an outcome for each, and prints the claim time, the outcome-commit rate and the
 * drain rate. Claim and outcome costs should not depend on the history.
 */
public final class StoreBench {
    private final PrintStream out;
    private final List<Long> histories;
    private final int backlog;

    public StoreBench(PrintStream out, List<Long> histories, int backlog) {
        this.out = out;
        this.histories = histories;
        this.backlog = backlog;
    }

    public void run() {
        out.printf("bench store: claim and record over a backlog of %,d pending deliveries, with each history size; %d cores%n",
                backlog, Runtime.getRuntime().availableProcessors());
        for (long history : histories) measure(history);
    }

    private void measure(long history) {
        Path dir = LocalServer.freshFolder("eventwire-storebench-");
        Clock clock = Clock.systemUTC();
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            GroupCommitWriter writer = new GroupCommitWriter(database, "bench-delivery-writer", 8192);
            try {
                SyntheticLoad load = new SyntheticLoad(writer);
                long loadStart = System.nanoTime();
                if (history > 0) load.finishedDeliveries(history, 1);
                Instant due = clock.instant();
                load.backlog("bench", "wh_bench", backlog, history + 1, Duration.between(Instant.EPOCH, due).toNanos() / 1000);
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                DuckDbDeliveryStore store = new DuckDbDeliveryStore(database, writer, writer, () -> { }, new Ids(clock), clock, Duration.ofSeconds(60),
                        dev.eventwire.delivery.WebhookHealthRule.disablingAfter(dev.eventwire.delivery.WebhookHealthRule.DEFAULT_DISABLE_AFTER));
                writer.start();
                Histogram claimMillis = new Histogram(3);
                Histogram recordMillis = new Histogram(3);
                long start = System.nanoTime();
                long done = 0;
                // The first claim reads the whole backlog pending, the last full one a twentieth of it at most.
                double firstClaimMillis = Double.NaN;
                double lastFullClaimMillis = Double.NaN;
                while (true) {
                    long t = System.nanoTime();
                    Instant now = clock.instant();
                    Claim claim = store.claimDue(now, now.plusSeconds(60), 5000, id -> 5000);
                    long micros = Math.max(1, (System.nanoTime() - t) / 1000);
                    claimMillis.recordValue(micros);
                    if (Double.isNaN(firstClaimMillis)) firstClaimMillis = micros / 1000.0;
                    if (claim.jobs().size() == 5000) lastFullClaimMillis = micros / 1000.0;
                    if (claim.jobs().isEmpty()) break;
                    t = System.nanoTime();
                    List<CompletableFuture<Boolean>> writes = new ArrayList<>();
                    for (DeliveryJob job : claim.jobs()) writes.add(store.record(delivered(job, now), () -> { }));
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                    recordMillis.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
                    done += claim.jobs().size();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf("history %,12d finished: claim of 5000 p50 %6.1f ms p99 %6.1f ms (the first, %,d pending: %.1f ms; the last: %.1f ms);"
                                + " recording 5000 outcomes p50 %6.1f ms p99 %6.1f ms; drained %,d in %.1fs = %,.0f deliveries/s (loaded in %.0fs)%n",
                        history, claimMillis.getValueAtPercentile(50) / 1000.0, claimMillis.getValueAtPercentile(99) / 1000.0,
                        backlog, firstClaimMillis, lastFullClaimMillis,
                        recordMillis.getValueAtPercentile(50) / 1000.0, recordMillis.getValueAtPercentile(99) / 1000.0, done, seconds,
                        done / seconds, loadSeconds);
            } finally {
                writer.close();
            }
        } finally {
            LocalServer.deleteFolder(dir);
        }
    }

    private static AttemptRecord delivered(DeliveryJob job, Instant at) {
        return new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(), job.trigger(),
                Optional.of(200), true, Optional.empty(), 1, "ok", at, DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(), job.seq(), job.lease());
    }
}
