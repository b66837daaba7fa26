package dev.eventwire.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The disk alone, with no server: forces of 4 KiB at the pace the ingest journal forces at 1,000 single
 * events/s, judged per 30-second slice as the delivery soak is. A durable acknowledgement waits for its
 * group's force, so a request that arrives while a force is stalled waits for the stall's end: at the
 * soak's 1,000 requests/s a stall of {@code d} ms holds {@code d − 50} requests past 50 ms, and a slice
 * can keep ingest p99 ≤ 50 ms only while its stalls hold fewer than 1 % of its requests. This tells
 * whether a disk can carry that goal before any server runs on it.
 */
public final class DiskBench {
    public static final Duration SLICE = DeliveryBench.SOAK_SLICE;
    public static final int MAX_FORCES_PER_SECOND = 100_000;
    private static final long GOAL_MICROS = DeliveryBench.INGEST_P99_GOAL_MICROS;
    private static final int REQUESTS_PER_SECOND = DeliveryBench.SOAK_EVENTS_PER_SECOND;

    private final PrintStream out;
    private final Path folder;
    private final Duration length;
    private final int forcesPerSecond;
    private final Duration slice;

    public DiskBench(PrintStream out, Path folder, Duration length, int forcesPerSecond) {
        this(out, folder, length, forcesPerSecond, SLICE);
    }

    /** With slices of another length than the soak's: the suite proves the bench's workings on short ones. */
    DiskBench(PrintStream out, Path folder, Duration length, int forcesPerSecond, Duration slice) {
        this.out = out;
        this.folder = folder;
        this.length = length;
        this.forcesPerSecond = forcesPerSecond;
        this.slice = slice;
    }

    public void run() {
        Path probeFolder = probeFolder();
        long slices = length.toSeconds() / slice.toSeconds();
        long requestsPerSlice = REQUESTS_PER_SECOND * slice.toSeconds();
        out.printf("bench disk: %d forces/s of 4 KiB in %s for %ds, judged per %d-second slice; a slice fails when its stalls would hold"
                + " more than 1 %% of %d requests/s past %d ms%n", forcesPerSecond, probeFolder, slices * slice.toSeconds(), slice.toSeconds(), REQUESTS_PER_SECOND,
                GOAL_MICROS / 1000);
        int failed = 0;
        int stalled = 0;
        long longest = 0;
        try (DiskProbe probe = DiskProbe.start(probeFolder, Duration.ofNanos(1_000_000_000L / forcesPerSecond))) {
            for (long s = 1; s <= slices; s++) {
                DeliveryBench.pause(slice);
                Histogram forces = probe.takeSlice();
                long held = requestsHeldPastGoal(forces);
                long stalls = forces.getCountBetweenValues(GOAL_MICROS, forces.getMaxValue());
                if (stalls > 0) stalled++;
                boolean fails = held * 100 > requestsPerSlice;
                if (fails) failed++;
                longest = Math.max(longest, forces.getMaxValue());
                out.printf("  t=%4ds forces %6d p50 %6.2f p99 %7.2f max %7.1f ms | %3d of %d ms or more, holding %4d requests past %d ms%s%n",
                        s * slice.toSeconds(), forces.getTotalCount(), forces.getValueAtPercentile(50) / 1000.0, forces.getValueAtPercentile(99) / 1000.0,
                        forces.getMaxValue() / 1000.0, stalls, GOAL_MICROS / 1000, held, GOAL_MICROS / 1000, fails ? "  ← fails" : "");
            }
        } finally {
            delete(probeFolder);
        }
        out.printf("disk: a force of %d ms or more in %d of %d slices, the longest %.1f ms; slices the disk alone would fail: %d of %d%n",
                GOAL_MICROS / 1000, stalled, slices, longest / 1000.0, failed, slices);
    }

    /** Requests arriving at the soak's rate during each force over the goal that would still wait when the goal has passed. */
    static long requestsHeldPastGoal(Histogram forces) {
        double heldMicros = 0;
        for (HistogramIterationValue v : forces.recordedValues()) {
            if (v.getValueIteratedTo() > GOAL_MICROS) heldMicros += (double) (v.getValueIteratedTo() - GOAL_MICROS) * v.getCountAtValueIteratedTo();
        }
        return Math.round(heldMicros * REQUESTS_PER_SECOND / 1_000_000);
    }

    private Path probeFolder() {
        try {
            return LocalServer.deletedAtExit(Files.createTempDirectory(Files.createDirectories(folder), "eventwire-disk-probe-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the probe in " + folder, e);
        }
    }

    private static void delete(Path probeFolder) {
        try {
            Files.deleteIfExists(probeFolder.resolve(DiskProbe.FILE_NAME));
            Files.deleteIfExists(probeFolder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
