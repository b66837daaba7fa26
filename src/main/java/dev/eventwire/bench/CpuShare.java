package dev.eventwire.bench;

import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * A share of this machine's CPU time, slice by slice, from the kernel's own counts:
 * <ul>
 *   <li>steal, the time the hypervisor gave to other guests. On a shared virtual machine a slice can lose
 *       seconds to neighbours: the server, the receiver and the load generator all stop, and every latency
 *       in that slice grows with no cause in any of them;</li>
 *   <li>idle, the time no process wanted (waiting for the disk included). Beside a drain's rate it says
 *       whether the cores were full: a slow drain with idle cores waited for something other than CPU.</li>
 * </ul>
 * A benchmark that prints them beside its figures says which slices those were.
 */
final class CpuShare {
    /** A slice this much stolen or more is named as one the machine itself held. */
    static final double NOTABLE_STEAL = 0.10;

    private final String name;
    private final SlicedShare slices;

    private CpuShare(String name, Path source, ToLongFunction<CpuJiffies> part) {
        this.name = name;
        this.slices = new SlicedShare(() -> {
            CpuJiffies now = CpuJiffies.read(source);
            return now == null ? null : new SlicedShare.Reading(now.total(), part.applyAsLong(now));
        });
    }

    static CpuShare steal() {
        return steal(CpuJiffies.PROC_STAT);
    }

    static CpuShare steal(Path source) {
        return new CpuShare("cpu steal", source, CpuJiffies::steal);
    }

    static CpuShare idle() {
        return idle(CpuJiffies.PROC_STAT);
    }

    static CpuShare idle(Path source) {
        return new CpuShare("cpu idle", source, CpuJiffies::idle);
    }

    /** The share since the last call (or since creation); NaN where it cannot be read. */
    double takeSlice() {
        return slices.takeSlice();
    }

    /** "cpu steal  3.1 %", or "cpu steal n/a" where the kernel does not count it. */
    String describe(double share) {
        return Double.isNaN(share) ? name + " n/a" : String.format("%s %4.1f %%", name, 100 * share);
    }
}
