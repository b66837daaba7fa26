package dev.eventwire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The share of this machine's CPU time the hypervisor gave to other guests ("steal", from the kernel's
 * own count), slice by slice. On a shared virtual machine a slice can lose seconds to neighbours: the
 * server, the receiver and the load generator all stop, and every latency in that slice grows with no
 * cause in any of them. A benchmark that prints steal beside its figures says which slices those were.
 */
final class CpuSteal {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** A slice this much stolen or more is named as one the machine itself held. */
    static final double NOTABLE_SHARE = 0.10;

    private final SlicedShare slices;

    CpuSteal() {
        this(PROC_STAT);
    }

    CpuSteal(Path source) {
        this.slices = new SlicedShare(() -> {
            try {
                return parse(Files.readAllLines(source).getFirst());
            } catch (IOException e) {
                return null;
            }
        });
    }

    /**
     * Jiffies of all kinds, and of steal, since boot, from the first line of {@code /proc/stat}: "cpu user
     * nice system idle iowait irq softirq steal …"; null when it is not that.
     */
    static SlicedShare.Reading parse(String firstLine) {
        String[] f = firstLine.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) return null;
        long total = 0;
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        for (int i = 1; i <= 8; i++) total += Long.parseLong(f[i]);
        return new SlicedShare.Reading(total, Long.parseLong(f[8]));
    }

    /** The share of CPU time stolen since the last call (or since creation); NaN where it cannot be read. */
    double takeSlice() {
        return slices.takeSlice();
    }

    /** "cpu steal  3.1 %", or "cpu steal n/a" where the kernel does not count it. */
    static String describe(double share) {
        return Double.isNaN(share) ? "cpu steal n/a" : String.format("cpu steal %4.1f %%", 100 * share);
    }
}
