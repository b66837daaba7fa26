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

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against a fresh server on loopback; prints the figures.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Delivery.class, BenchCommand.Metrics.class, BenchCommand.Store.class, BenchCommand.Bodies.class,
                BenchCommand.Ordering.class, BenchCommand.Retention.class, BenchCommand.Cluster.class,
                BenchCommand.Disk.class, BenchCommand.Backup.class})
final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    /** No bench named: a usage error, one line, as {@code eventwire} with no command. */
    @Override
    public Integer call() {
        ServeOutput.fail("a bench is needed: ingest, delivery, metrics, store, bodies, ordering, retention, cluster, disk or backup (see: eventwire bench --help)");
        return 2;
    }

    private static BoundedOption option(String name) {
        return BoundedOption.commandLine(name);
    }

    /** The servers' {@code serve --warm-up}, checked here against serve's own range so a bad one stops the bench before it starts. */
    private static String checkedWarmUp(String text) {
        option("--warm-up").duration(text, Duration.ZERO, ServeCommand.MAX_WARM_UP);
        return text;
    }

    @Command(name = "retention", mixinStandardHelpOptions = true,
            description = "In process, simulated time: steady traffic with a one-hour retention; database size every half hour.")
    static final class Retention implements Runnable {
        @Option(names = "--hours", defaultValue = "6", description = "Simulated hours (default ${DEFAULT-VALUE}).")
        String hours;

        @Option(names = "--per-minute", defaultValue = "2000", description = "Events per simulated minute (default ${DEFAULT-VALUE}).")
        String perMinute;

        @Override
        public void run() {
            new dev.eventwire.bench.RetentionBench(System.out, option("--hours").wholeInt(hours, 1, 720),
                    option("--per-minute").wholeInt(perMinute, 1, 1_000_000)).run();
        }
    }

    @Command(name = "ordering", mixinStandardHelpOptions = true,
            description = "From outside: a backlog drained by an unordered and by an entity-ordered webhook; deliveries/s of each and the ratio.")
    static final class Ordering implements Runnable {
        @Option(names = "--events", defaultValue = "100000", description = "Events per phase (default ${DEFAULT-VALUE}).")
        String events;

        @Option(names = "--entities", defaultValue = "10000", description = "Entities the events are spread over (default ${DEFAULT-VALUE}).")
        String entities;

        @Override
        public void run() {
            new dev.eventwire.bench.OrderingBench(System.out, option("--events").wholeInt(events, 1_000, 10_000_000),
                    option("--entities").wholeInt(entities, 1, 1_000_000)).run();
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Events/s and request latency for batches of 500 and single events.")
    static final class Ingest implements Runnable {
        @Option(names = "--seconds", defaultValue = "15", description = "Length of each phase (default ${DEFAULT-VALUE}).")
        String seconds;

        @Override
        public void run() {
            new IngestBench(System.out, Duration.ofSeconds(option("--seconds").wholeInt(seconds, 1, 3_600))).run();
        }
    }

    @Command(name = "delivery", mixinStandardHelpOptions = true,
            description = "From outside (server and receiver in their own processes): raw HTTP, durable drain of a backlog after kill -9, latency at 200/500/1000 events/s.")
    static final class Delivery implements Runnable {
        @Option(names = "--webhooks", defaultValue = "2", description = "Webhooks, each on its own local receiver (default ${DEFAULT-VALUE}).")
        String webhooks;

        @Option(names = "--seconds", defaultValue = "10", description = "Length of each phase (default ${DEFAULT-VALUE}).")
        String seconds;

        @Option(names = "--soak-seconds", defaultValue = "0", description = "Also run 1000 events/s this long, judged per 30-second slice.")
        String soakSeconds;

        @Option(names = "--backlog", defaultValue = "100000", description = "Events posted while the receiver is frozen, drained after a kill -9 (default ${DEFAULT-VALUE}).")
        String backlog;

        @Option(names = "--warm-up", defaultValue = "0s",
                description = "serve --warm-up for the server and its restart after the kill (30s as the deploy examples; default ${DEFAULT-VALUE}: cold processes).")
        String warmUp;

        @Override
        public void run() {
            new DeliveryBench(System.out, option("--webhooks").wholeInt(webhooks, 1, 32), Duration.ofSeconds(option("--seconds").wholeInt(seconds, 1, 3_600)),
                    Duration.ofSeconds(option("--soak-seconds").wholeInt(soakSeconds, 0, 86_400)),
                    option("--backlog").wholeInt(backlog, 1_000, 10_000_000), checkedWarmUp(warmUp)).run();
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "Freshness (ack to a read that reflects it) and read latency over a large window while ingesting.")
    static final class Metrics implements Runnable {
        @Option(names = "--events", defaultValue = "1000000", description = "Events loaded into the window first (default ${DEFAULT-VALUE}).")
        String events;

        @Option(names = "--pairs", defaultValue = "10000", description = "ack-then-read pairs for freshness (default ${DEFAULT-VALUE}).")
        String pairs;

        @Option(names = "--seconds", defaultValue = "30", description = "Length of the read phase (default ${DEFAULT-VALUE}).")
        String seconds;

        @Option(names = "--sessions", defaultValue = "100000", description = "Distinct session ids the events draw from (default ${DEFAULT-VALUE}).")
        String sessions;

        @Override
        public void run() {
            new MetricsBench(System.out, option("--events").whole(events, 1_000, 100_000_000), option("--sessions").wholeInt(sessions, 1, 10_000_000),
                    option("--pairs").wholeInt(pairs, 1, 1_000_000), Duration.ofSeconds(option("--seconds").wholeInt(seconds, 1, 3_600))).run();
        }
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
            description = "In process: claim and outcome cost of the delivery store over a backlog, with growing history.")
    static final class Store implements Runnable {
        @Option(names = "--history", defaultValue = "0,10000000",
                description = "Finished deliveries loaded first, comma-separated, one run each (default ${DEFAULT-VALUE}).")
        String history;

        @Option(names = "--backlog", defaultValue = "100000", description = "Pending deliveries drained in each run (default ${DEFAULT-VALUE}).")
        String backlog;

        @Override
        public void run() {
            java.util.List<Long> runs = new java.util.ArrayList<>();
            for (String each : history.split(",", -1)) runs.add(option("--history").whole(each, 0, 100_000_000));
            new StoreBench(System.out, runs, option("--backlog").wholeInt(backlog, 5_000, 10_000_000)).run();
        }
    }

    @Command(name = "bodies", mixinStandardHelpOptions = true,
            description = "From outside: many 5 MiB batches at once against a server process with a capped heap.")
    static final class Bodies implements Runnable {
        @Option(names = "--clients", defaultValue = "128", description = "Tenants posting one batch each, all at once (default ${DEFAULT-VALUE}).")
        String clients;

        @Option(names = "--heap-mib", defaultValue = "512", description = "The server's -Xmx in MiB (default ${DEFAULT-VALUE}).")
        String heapMiB;

        @Override
        public void run() {
            new BodiesBench(System.out, option("--clients").wholeInt(clients, 1, 10_000), option("--heap-mib").wholeInt(heapMiB, 128, 65_536)).run();
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "From outside, on an embedded PostgreSQL: backlog drain of one DuckDB process vs one replica vs three, kill -9 of a replica mid-drain, repeats.")
    static final class Cluster implements Runnable {
        @Option(names = "--deliveries", defaultValue = "100000", description = "Deliveries in each backlog (default ${DEFAULT-VALUE}).")
        String deliveries;

        @Option(names = "--webhooks", defaultValue = "4", description = "Webhooks on the receiver process; each event matches all (default ${DEFAULT-VALUE}).")
        String webhooks;

        @Option(names = "--claims", defaultValue = "0", description = "Also drain this many more deliveries on one replica and on three, and compare (1000000 for a million claims; default ${DEFAULT-VALUE}).")
        String claims;

        @Option(names = "--warm-up", defaultValue = "30s",
                description = "serve --warm-up for every server and replica, as the deploy examples start them; 0s for cold processes (default ${DEFAULT-VALUE}).")
        String warmUp;

        @Override
        public void run() {
            long deliveryCount = option("--deliveries").whole(deliveries, 1_000, 10_000_000);
            int webhookCount = option("--webhooks").wholeInt(webhooks, 1, 32);
            long claimCount = option("--claims").whole(claims, 0, 100_000_000);
            String command = "./eventwire bench cluster --deliveries " + deliveryCount + " --webhooks " + webhookCount
                    + (claimCount > 0 ? " --claims " + claimCount : "") + " --warm-up " + warmUp;
            new ClusterBench(System.out, command, deliveryCount, webhookCount, claimCount, checkedWarmUp(warmUp)).run();
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "From outside: an online backup of a large data folder while the server drains a backlog and single events arrive;"
                    + " its speed beside a plain copy, ingest latency around it, and a server restored from it.")
    static final class Backup implements Runnable {
        @Option(names = "--events", defaultValue = "1000000", description = "Events in the data folder, each with one delivery pending (default ${DEFAULT-VALUE}).")
        String events;

        @Option(names = "--event-bytes", defaultValue = "300", description = "About how large each of those events is (default ${DEFAULT-VALUE}).")
        String eventBytes;

        @Option(names = "--rate", defaultValue = "100", description = "Single events per second posted beside the backup (default ${DEFAULT-VALUE}).")
        String rate;

        @Option(names = "--window-seconds", defaultValue = "10", description = "Seconds measured before the backup and after it (default ${DEFAULT-VALUE}).")
        String windowSeconds;

        @Option(names = "--warm-up", defaultValue = "0s", description = "serve --warm-up for the server and the restored one (default ${DEFAULT-VALUE}).")
        String warmUp;

        @Override
        public void run() {
            new dev.eventwire.bench.BackupBench(System.out, option("--events").wholeInt(events, 1_000, 100_000_000),
                    option("--event-bytes").wholeInt(eventBytes, 100, 256_000), option("--rate").wholeInt(rate, 1, 5_000),
                    Duration.ofSeconds(option("--window-seconds").wholeInt(windowSeconds, 1, 3_600)), checkedWarmUp(warmUp)).run();
        }
    }

    @Command(name = "disk", mixinStandardHelpOptions = true,
            description = "The disk alone, no server: forces of 4 KiB at the ingest journal's pace, per 30-second slice; whether its stalls alone would break ingest p99 ≤ 50 ms.")
    static final class Disk implements Runnable {
        @Option(names = "--seconds", defaultValue = "300", description = "How long, in whole 30-second slices (default ${DEFAULT-VALUE}).")
        String seconds;

        @Option(names = "--rate", defaultValue = "1000", description = "Forces per second: the journal forces about once per request at 1,000 single events/s (default ${DEFAULT-VALUE}).")
        String rate;

        @Option(names = "--dir", defaultValue = "${env:EVENTWIRE_DATA_DIR:-./data}",
                description = "A folder on the disk to try, the data folder by default (env EVENTWIRE_DATA_DIR, default ${DEFAULT-VALUE}); the probe's file goes in a folder of its own there, deleted afterwards.")
        java.nio.file.Path dir;

        @Override
        public void run() {
            Duration length = Duration.ofSeconds(option("--seconds").wholeInt(seconds, (int) DiskBench.SLICE.toSeconds(), 86_400));
            int forcesPerSecond = option("--rate").wholeInt(rate, 1, DiskBench.MAX_FORCES_PER_SECOND);
            if (dir.toString().isBlank() || !java.nio.file.Files.isDirectory(dir)) {
                // An empty value was the current folder; a missing one was created; a file was a stack trace.
                throw new BoundedOption.OptionValueException("--dir must be an existing folder on the disk to try (got '" + dir
                        + "'; the default is the data folder, which serve creates)", null);
            }
            try {
                new DiskBench(System.out, dir, length, forcesPerSecond).run();
            } catch (java.io.UncheckedIOException e) {
                throw new BoundedOption.OptionValueException("--dir: " + e.getMessage(), e); // a folder it may not write in, such as /proc
            }
        }
    }
}
