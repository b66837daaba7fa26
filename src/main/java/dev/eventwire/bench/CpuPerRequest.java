package dev.eventwire.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time processes spent over a phase, per request the phase completed, read from the kernel's count
 * for each process. Rates on this machine drift by a third from hour to hour; the CPU a delivery costs the
 * server drifts far less, so builds compared on it need fewer runs to tell apart.
 */
final class CpuPerRequest {
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Duration> before = new LinkedHashMap<>();

    /** A process to follow, under the name it is printed with. */
    record Named(String name, long pid) {
    }

    /** {@code processes}: in the order they are printed. */
    CpuPerRequest(Named... processes) {
        for (Named p : processes) {
            pids.put(p.name(), p.pid());
            before.put(p.name(), cpuOf(p.pid()));
        }
    }

    /** "server 51.2 µs, receiver 23.9 µs of CPU a request"; a process whose count cannot be read says n/a. */
    String describe(long requests) {
        List<String> parts = new ArrayList<>();
        pids.forEach((name, pid) -> {
            Duration start = before.get(name);
            Duration end = cpuOf(pid);
            if (start == null || end == null || requests <= 0) parts.add(name + " n/a");
            else parts.add(String.format("%s %.1f µs", name, end.minus(start).toNanos() / 1000.0 / requests));
        });
        return String.join(", ", parts) + " of CPU a request";
    }

    /** User and system CPU time of a process so far, or null when the kernel does not say. */
    static Duration cpuOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(null);
    }
}
