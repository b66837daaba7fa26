package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskProbeTest {

    @Test
    void countsForcesPerSliceInAFileWrittenAheadAndStartsEachSliceEmpty(@TempDir Path folder) throws Exception {
        try (DiskProbe probe = DiskProbe.start(folder, Duration.ofMillis(20))) {
            assertThat(Files.size(folder.resolve("disk-probe.bin"))).as("written ahead whole").isEqualTo(1 << 20);
            long deadline = System.nanoTime() + 10_000_000_000L;
            Histogram slice = new Histogram(3);
            while (slice.getTotalCount() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                slice.add(probe.takeSlice());
            }
            assertThat(slice.getTotalCount()).as("forces recorded within 10 s").isGreaterThanOrEqualTo(3);
            assertThat(slice.getMaxValue()).as("a force takes some time").isPositive();
            probe.takeSlice();
            assertThat(probe.takeSlice().getTotalCount()).as("a slice taken right after another holds at most the one force finishing between them")
                    .isLessThanOrEqualTo(1);
        }
        assertThat(Files.size(folder.resolve("disk-probe.bin"))).as("the probe overwrites its file, never grows it").isEqualTo(1 << 20);
    }
}
