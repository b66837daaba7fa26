package dev.eventwire.cli;

import dev.eventwire.bench.BodiesBench;
import dev.eventwire.bench.ClusterBench;
import dev.eventwire.bench.DeliveryBench;
import dev.eventwire.bench.DiskBench;
import dev.eventwire.bench.IngestBench;
import dev.eventwire.bench.MetricsBench;
import dev.eventwire.bench.StoreBench;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks against a fresh server on loopback; prints the figures.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Delivery.class, BenchCommand.Metrics.class, BenchCommand.Store.class, BenchCommand.Bodies.class,
                BenchCommand.Ordering.class, BenchCommand.Retention.class, BenchCommand.Cluster.class,
                BenchCommand.Disk.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "retention", mixinStandardHelpOptions = true,
            description = "In process, simulated time: steady traffic with a one-hour retention; database size every half hour.")
    static final class Retention implements Runnable {
        @Option(names = "--hours", defaultValue = "6", description = "Simulated hours (default ${DEFAULT-VALUE}).")
        int hours;

        @Option(names = "--per-minute", defaultValue = "2000", description = "Events per simulated minute (default ${DEFAULT-VALUE}).")
        int perMinute;

        @Override
        public void run() {
            new dev.eventwire.bench.RetentionBench(System.out, hours, perMinute).run();
        }
    }

    @Command(name = "ordering", mixinStandardHelpOptions = true,
            description = "From outside: a backlog drained by an unordered and by an entity-ordered webhook; deliveries/s of each and the ratio.")
    static final class Ordering implements Runnable {
        @Option(names = "--events", defaultValue = "100000", description = "Events per phase (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--entities", defaultValue = "10000", description = "Entities the events are spread over (default ${DEFAULT-VALUE}).")
        int entities;

        @Override
        public void run() {
            new dev.eventwire.bench.OrderingBench(System.out, events, entities).run();
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Events/s and request latency for batches of 500 and single events.")
    static final class Ingest implements Runnable {
        @Option(names = "--seconds", defaultValue = "15", description = "Length of each phase (default ${DEFAULT-VALUE}).")
        int seconds;

        @Override
        public void run() {
            new IngestBench(System.out, Duration.ofSeconds(seconds)).run();
        }
    }

    @Command(name = "delivery", mixinStandardHelpOptions = true,
            description = "From outside (server and receiver in their own processes): raw HTTP, durable drain of a backlog after kill -9, latency at 200/500/1000 events/s.")
    static final class Delivery implements Runnable {
        @Option(names = "--webhooks", defaultValue = "2", description = "Webhooks, each on its own local receiver (default ${DEFAULT-VALUE}).")
        int webhooks;

        @Option(names = "--seconds", defaultValue = "10", description = "Length of each phase (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--soak-seconds", defaultValue = "0", description = "Also run 1000 events/s this long, judged per 30-second slice.")
        int soakSeconds;

        @Option(names = "--backlog", defaultValue = "100000", description = "Events posted while the receiver is frozen, drained after a kill -9 (default ${DEFAULT-VALUE}).")
        int backlog;

        @Option(names = "--warm-up", defaultValue = "0s",
                description = "serve --warm-up for the server and its restart after the kill (30s as the deploy examples; default ${DEFAULT-VALUE}: cold processes).")
        String warmUp;

        @Override
        public void run() {
            new DeliveryBench(System.out, webhooks, Duration.ofSeconds(seconds), Duration.ofSeconds(soakSeconds), backlog, warmUp).run();
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "Freshness (ack to a read that reflects it) and read latency over a large window while ingesting.")
    static final class Metrics implements Runnable {
        @Option(names = "--events", defaultValue = "1000000", description = "Events loaded into the window first (default ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--pairs", defaultValue = "10000", description = "ack-then-read pairs for freshness (default ${DEFAULT-VALUE}).")
        int pairs;

        @Option(names = "--seconds", defaultValue = "30", description = "Length of the read phase (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--sessions", defaultValue = "100000", description = "Distinct session ids the events draw from (default ${DEFAULT-VALUE}).")
        int sessions;

        @Override
        public void run() {
            new MetricsBench(System.out, events, sessions, pairs, Duration.ofSeconds(seconds)).run();
        }
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
            description = "In process: claim and outcome cost of the delivery store over a backlog, with growing history.")
    static final class Store implements Runnable {
        @Option(names = "--history", defaultValue = "0,10000000", split = ",",
                description = "Finished deliveries loaded first, one run each (default ${DEFAULT-VALUE}).")
        java.util.List<Long> history;

        @Option(names = "--backlog", defaultValue = "100000", description = "Pending deliveries drained in each run (default ${DEFAULT-VALUE}).")
        int backlog;

        @Override
        public void run() {
            new StoreBench(System.out, history, backlog).run();
        }
    }

    @Command(name = "bodies", mixinStandardHelpOptions = true,
            description = "From outside: many 5 MiB batches at once against a server process with a capped heap.")
    static final class Bodies implements Runnable {
        @Option(names = "--clients", defaultValue = "128", description = "Tenants posting one batch each, all at once (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--heap-mib", defaultValue = "512", description = "The server's -Xmx in MiB (default ${DEFAULT-VALUE}).")
        int heapMiB;

        @Override
        public void run() {
            new BodiesBench(System.out, clients, heapMiB).run();
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "From outside, on an embedded PostgreSQL: backlog drain of one DuckDB process vs one replica vs three, kill -9 of a replica mid-drain, repeats.")
    static final class Cluster implements Runnable {
        @Option(names = "--deliveries", defaultValue = "100000", description = "Deliveries in each backlog (default ${DEFAULT-VALUE}).")
        long deliveries;

        @Option(names = "--webhooks", defaultValue = "4", description = "Webhooks on the receiver process; each event matches all (default ${DEFAULT-VALUE}).")
        int webhooks;

        @Option(names = "--claims", defaultValue = "0", description = "Also drain this many more deliveries on one replica and on three, and compare (1000000 for a million claims; default ${DEFAULT-VALUE}).")
        long claims;

        @Option(names = "--warm-up", defaultValue = "30s",
                description = "serve --warm-up for every server and replica, as the deploy examples start them; 0s for cold processes (default ${DEFAULT-VALUE}).")
        String warmUp;

        @Override
        public void run() {
            String command = "./eventwire bench cluster --deliveries " + deliveries + " --webhooks " + webhooks + (claims > 0 ? " --claims " + claims : "")
                    + " --warm-up " + warmUp;
            new ClusterBench(System.out, command, deliveries, webhooks, claims, warmUp).run();
        }
    }

    @Command(name = "disk", mixinStandardHelpOptions = true,
            description = "The disk alone, no server: forces of 4 KiB at the ingest journal's pace, per 30-second slice; whether its stalls alone would break ingest p99 ≤ 50 ms.")
    static final class Disk implements Runnable {
        @Option(names = "--seconds", defaultValue = "300", description = "How long, in whole 30-second slices (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--rate", defaultValue = "1000", description = "Forces per second: the journal forces about once per request at 1,000 single events/s (default ${DEFAULT-VALUE}).")
        int rate;

        @Option(names = "--dir", defaultValue = "${env:EVENTWIRE_DATA_DIR:-./data}",
                description = "A folder on the disk to try, the data folder by default (env EVENTWIRE_DATA_DIR, default ${DEFAULT-VALUE}); the probe's file goes in a folder of its own there, deleted afterwards.")
        java.nio.file.Path dir;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (seconds < DiskBench.SLICE.toSeconds()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seconds must be at least " + DiskBench.SLICE.toSeconds() + ", got " + seconds);
            }
            if (rate < 1 || rate > DiskBench.MAX_FORCES_PER_SECOND) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rate must be 1–" + DiskBench.MAX_FORCES_PER_SECOND + " forces/s, got " + rate);
            }
            new DiskBench(System.out, dir, Duration.ofSeconds(seconds), rate).run();
        }
    }
}
