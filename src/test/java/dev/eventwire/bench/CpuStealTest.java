package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuStealTest {

    @Test
    void theShareStolenIsTheStealJiffiesOverAllJiffiesBetweenTwoReadings(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  1000 0 200 5000 10 0 5 100 0 0\ncpu0 1 2 3\n");
        CpuSteal steal = new CpuSteal(stat);
        // 400 jiffies later: 300 of them user, 100 steal.
        Files.writeString(stat, "cpu  1300 0 200 5000 10 0 5 200 50 0\ncpu0 1 2 3\n");
        assertThat(steal.takeSlice()).isEqualTo(0.25);
        assertThat(CpuSteal.describe(0.25)).isEqualTo("cpu steal 25.0 %");
    }

    @Test
    void withoutTheKernelsCountTheShareIsNotAvailableRatherThanZero(@TempDir Path dir) {
        CpuSteal steal = new CpuSteal(dir.resolve("missing"));
        double share = steal.takeSlice();
        assertThat(share).isNaN();
        assertThat(CpuSteal.describe(share)).isEqualTo("cpu steal n/a");
    }

    @Test
    void thisMachinesCountIsRead() {
        CpuSteal steal = new CpuSteal();
        busy(200_000_000L);
        assertThat(steal.takeSlice()).isBetween(0.0, 1.0);
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) x++;
        assertThat(x).isPositive();
    }
}
