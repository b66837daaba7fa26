package dev.eventwire.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** What the receiver process reported, line by line: its port, then one line per request it accepted. */
final class Receipts {
    /** One request: the event it carried and when it arrived (wall-clock microseconds). */
    record Receipt(String eventId, long micros) {
    }

    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    /** The receiver's running totals: requests, distinct webhook-ids, repeats, bad signatures. */
    private volatile long[] counts = new long[4];
    private volatile long[] countsAtReset = new long[4];
    private final ConcurrentLinkedQueue<Receipt> recent = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> repeatedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void line(String line) {
        if (line.startsWith("listening ")) {
            port.complete(Integer.parseInt(line.substring(10).strip()));
            return;
        }
        String[] f = line.split(" ");
        if (f[0].equals("c") && f.length == 5) {
            counts = new long[]{Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
        } else if (f[0].equals("d") && f.length == 2) {
            repeatedIds.add(f[1]);
        } else if (f[0].equals("r") && f.length == 3) {
            recent.add(new Receipt(f[1], Long.parseLong(f[2])));
        }
    }

    long total() {
        return counts[0];
    }

    long repeats() {
        return counts[2];
    }

    /** The webhook-ids received more than once so far. */
    java.util.Set<String> repeatedIds() {
        return java.util.Set.copyOf(repeatedIds);
    }

    long badSignatures() {
        return counts[3];
    }

    int awaitPort() {
        try {
            return port.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the receiver process did not start", e);
        }
    }

    /** Distinct deliveries (webhook-ids) first received since the last reset (reported every 100 ms). */
    long distinct() {
        return counts[1] - countsAtReset[1];
    }

    /** When a tenth, half, nine tenths and all of a drain had arrived, in seconds from its start: a slow start or tail shows. */
    record Arrivals(double tenth, double half, double nineTenths, double all) {
        String describe() {
            return String.format("a tenth at %.1f s, half at %.1f s, nine tenths at %.1f s, all at %.1f s", tenth, half, nineTenths, all);
        }
    }

    /** A drain with no new arrival for this long is stuck (the longest retry delay a bench drain meets is shorter). */
    private static final java.time.Duration STALLED = java.time.Duration.ofSeconds(60);

    /** Waits until {@code expected} distinct deliveries have arrived since the last reset, noting when each share did. */
    Arrivals awaitDistinct(long expected, long startNanos) {
        double[] at = {Double.NaN, Double.NaN, Double.NaN};
        int[] tenths = {1, 5, 9};
        long got;
        long last = -1;
        long lastProgress = System.nanoTime();
        while ((got = distinct()) < expected) {
            for (int i = 0; i < at.length; i++) {
                if (Double.isNaN(at[i]) && got * 10 >= expected * tenths[i]) at[i] = (System.nanoTime() - startNanos) / 1e9;
            }
            if (got != last) {
                last = got;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALLED.toNanos()) {
                throw new IllegalStateException("the drain stalled: " + got + " of " + expected + " distinct deliveries received, none for "
                        + STALLED.toSeconds() + " s (requests since reset: " + requestsSinceReset() + ")");
            }
            DeliveryBench.pause(java.time.Duration.ofMillis(20));
        }
        double all = (System.nanoTime() - startNanos) / 1e9;
        for (int i = 0; i < at.length; i++) if (Double.isNaN(at[i])) at[i] = all;
        return new Arrivals(at[0], at[1], at[2], all);
    }

    /** Requests received since the last reset. */
    long requestsSinceReset() {
        return counts[0] - countsAtReset[0];
    }

    /** Waits for the next report so the totals include everything that arrived before now. */
    void sync() {
        long[] before = counts;
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (counts == before && System.nanoTime() < deadline) DeliveryBench.pause(java.time.Duration.ofMillis(5));
    }

    /**
     * Waits until the receiver has answered what it had read (no request for three reports in a row, at
     * most 5 s): after a thaw it still answers the requests a killed server left on its connections, and
     * those belong to the drain, not to whatever is measured next.
     */
    void settle() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int quiet = 0;
        long seen = total();
        while (quiet < 3 && System.nanoTime() < deadline) {
            sync();
            long now = total();
            quiet = now == seen ? quiet + 1 : 0;
            seen = now;
        }
    }

    /**
     * Runs {@code work}, which sends the receiver requests of its own while nothing else does, and leaves
     * them out of the requests and distinct deliveries counted since the last reset.
     */
    void leaveOut(Runnable work) {
        sync();
        long[] before = counts;
        work.run();
        sync();
        long[] after = counts;
        long[] base = countsAtReset.clone();
        for (int i = 0; i < 2; i++) base[i] += after[i] - before[i];
        countsAtReset = base;
    }

    void reset() {
        sync();
        countsAtReset = counts;
        recent.clear();
    }

    long countWithPrefix(String prefix) {
        return recent.stream().filter(r -> r.eventId().startsWith(prefix)).count();
    }

    List<Receipt> takeWithPrefix(String prefix) {
        List<Receipt> taken = new ArrayList<>();
        for (Iterator<Receipt> it = recent.iterator(); it.hasNext(); ) {
            Receipt r = it.next();
            if (r.eventId().startsWith(prefix)) {
                taken.add(r);
                it.remove();
            }
        }
        return taken;
    }
}
