package dev.eventwire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time since boot, in jiffies: all of it, the part no process wanted (idle and waiting
 * for the disk), and the part the hypervisor gave to other guests (steal). From the first line of
 * {@code /proc/stat}: "cpu user nice system idle iowait irq softirq steal …".
 */
record CpuJiffies(long total, long idle, long steal) {
    static final Path PROC_STAT = Path.of("/proc/stat");

    /** The counters of that line; null when it is not that. */
    static CpuJiffies parse(String firstLine) {
        String[] f = firstLine.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) return null;
        long total = 0;
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        for (int i = 1; i <= 8; i++) total += Long.parseLong(f[i]);
        return new CpuJiffies(total, Long.parseLong(f[4]) + Long.parseLong(f[5]), Long.parseLong(f[8]));
    }

    /** The counters now, from {@code source}; null when it cannot be read (an empty file or counters that are not numbers throw, and the slice reads NaN). */
    static CpuJiffies read(Path source) {
        try {
            return parse(Files.readAllLines(source).getFirst());
        } catch (IOException e) {
            return null;
        }
    }
}
