package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuShareTest {

    @Test
    void eachShareIsItsJiffiesOverAllJiffiesBetweenTwoReadings(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  1000 0 200 5000 10 0 5 100 0 0\ncpu0 1 2 3\n");
        CpuShare steal = CpuShare.steal(stat);
        CpuShare idle = CpuShare.idle(stat);
        // 800 jiffies later: 300 user, 200 idle, 100 waiting for the disk, 200 stolen.
        Files.writeString(stat, "cpu  1300 0 200 5200 110 0 5 300 50 0\ncpu0 1 2 3\n");
        assertThat(steal.takeSlice()).isEqualTo(0.25);
        assertThat(steal.describe(0.25)).isEqualTo("cpu steal 25.0 %");
        assertThat(idle.takeSlice()).as("idle and disk wait together").isEqualTo(0.375);
        assertThat(idle.describe(0.375)).isEqualTo("cpu idle 37.5 %");
    }

    @Test
    void withoutTheKernelsCountTheShareIsNotAvailableRatherThanZero(@TempDir Path dir) throws Exception {
        CpuShare steal = CpuShare.steal(dir.resolve("missing"));
        double share = steal.takeSlice();
        assertThat(share).isNaN();
        assertThat(steal.describe(share)).isEqualTo("cpu steal n/a");
        Path notTheTotals = dir.resolve("stat");
        Files.writeString(notTheTotals, "intr 1 2 3\n");
        CpuShare idle = CpuShare.idle(notTheTotals);
        assertThat(idle.takeSlice()).isNaN();
        assertThat(idle.describe(idle.takeSlice())).isEqualTo("cpu idle n/a");
    }

    @Test
    void thisMachinesCountsAreRead() {
        CpuShare steal = CpuShare.steal();
        CpuShare idle = CpuShare.idle();
        long end = System.nanoTime() + 200_000_000L;
        long x = 0;
        while (System.nanoTime() < end) x++;
        assertThat(x).isPositive();
        assertThat(steal.takeSlice()).isBetween(0.0, 1.0);
        // One thread busy for the whole slice: the machine was not wholly idle.
        assertThat(idle.takeSlice()).isBetween(0.0, 0.99);
    }
}
