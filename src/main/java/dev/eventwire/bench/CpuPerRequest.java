package dev.eventwire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU time processes spent over a phase, and the times their threads were switched off a core, per
 * request the phase completed, read from the kernel's counts for each process. Rates on this machine
 * drift by a third from hour to hour and CPU time nearly as much; context switches are a count of events,
 * not of time, so a change that saves hand-offs between threads shows in them whatever the hour.
 */
final class CpuPerRequest {
    /** A process to follow, under the name it is printed with. */
    record Named(String name, long pid) {
    }

    /** A process's counts at one moment; either may be null where the kernel does not say. */
    private record Reading(Duration cpu, Long switches) {
    }

    private final List<Named> processes;
    private final List<Reading> before = new ArrayList<>();

    /** {@code processes}: in the order they are printed. */
    CpuPerRequest(Named... processes) {
        this.processes = List.of(processes);
        for (Named p : processes) before.add(read(p.pid()));
    }

    /** "server 51.2 µs 2.10 switches, receiver 23.9 µs 1.00 switches a request"; a count that cannot be read says n/a. */
    String describe(long requests) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Reading start = before.get(i);
            Reading end = read(processes.get(i).pid());
            String cpu = perRequest(start.cpu() == null ? null : start.cpu().toNanos() / 1000.0,
                    end.cpu() == null ? null : end.cpu().toNanos() / 1000.0, requests, "%.1f µs");
            String switches = perRequest(start.switches() == null ? null : start.switches().doubleValue(),
                    end.switches() == null ? null : end.switches().doubleValue(), requests, "%.2f");
            parts.add(processes.get(i).name() + " " + cpu + " " + switches + " switches");
        }
        return String.join(", ", parts) + " a request";
    }

    /** (end - start) / requests in {@code format}, or "n/a" when a count is missing or nothing was done. */
    private static String perRequest(Double start, Double end, long requests, String format) {
        return start == null || end == null || requests <= 0 ? "n/a" : String.format(format, (end - start) / requests);
    }

    private static Reading read(long pid) {
        return new Reading(cpuOf(pid), switchesOf(Path.of("/proc", Long.toString(pid), "task")));
    }

    /** User and system CPU time of a process so far, or null when the kernel does not say. */
    static Duration cpuOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(null);
    }

    /**
     * Context switches, voluntary and not, of the threads a process has now ({@code /proc/PID/task}); null
     * where that cannot be read. Threads that ended are no longer counted, so a phase is read while the
     * process's threads live (the server's and the receiver's pools do).
     */
    static Long switchesOf(Path tasks) {
        try (Stream<Path> threads = Files.list(tasks)) {
            long sum = 0;
            for (Path t : threads.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // it ended between the listing and the read: its switches are gone with it
                }
            }
            return sum;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
