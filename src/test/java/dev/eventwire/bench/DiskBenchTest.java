package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBenchTest {

    @Test
    void aStallHoldsTheRequestsArrivingInItsTimePastTheGoal() {
        Histogram forces = new Histogram(60_000_000L, 3);
        forces.recordValueWithCount(300, 10_000);
        forces.recordValue(49_000);
        forces.recordValue(150_000);
        forces.recordValue(350_000);
        // 1,000 requests/s: 100 ms past 50 ms, then 300 ms past it; forces under 50 ms hold nobody.
        assertThat(DiskBench.requestsHeldPastGoal(forces)).isBetween(399L, 401L);
    }

    @Test
    void aSliceOfForcesAtTheJournalsPaceIsPrintedAndTheProbesFolderIsDeleted(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DiskBench(new PrintStream(bytes, true, StandardCharsets.UTF_8), dir, Duration.ofSeconds(10), 200, Duration.ofSeconds(5)).run();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("bench disk: 200 forces/s of 4 KiB in " + dir);
        assertThat(out.lines().filter(l -> l.startsWith("  t=   5s forces") || l.startsWith("  t=  10s forces")).toList()).hasSize(2);
        long forces = Long.parseLong(out.lines().filter(l -> l.startsWith("  t=  10s")).findFirst().orElseThrow().split("forces\\s+")[1].split(" ")[0]);
        assertThat(forces).as("about 200/s for 5 s, fewer only if the disk stalled").isBetween(500L, 2_001L);
        assertThat(out).containsPattern("disk: a force of 50 ms or more in [0-2] of 2 slices, the longest [0-9.]+ ms; slices the disk alone would fail: [0-2] of 2");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the probe's folder and file deleted").isEmpty();
        }
    }

    /** Interrupting a bench is the usual way to end one: its folders were left behind in /tmp (and here, in --dir). */
    @Test
    void aBenchStoppedWithSigtermLeavesNoProbeBehind(@TempDir Path dir) throws Exception {
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main", "bench", "disk", "--dir", dir.toString(), "--seconds", "30")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (isEmpty(dir) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(isEmpty(dir)).as("the probe's folder, while it runs").isFalse();
        bench.destroy(); // SIGTERM
        assertThat(bench.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(isEmpty(dir)).as("the probe's folder after SIGTERM").isTrue();
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }
}
