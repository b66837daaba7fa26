package dev.eventwire.bench;

import dev.eventwire.store.postgres.EmbeddedPostgresServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code bench cluster}, measured from outside: every server, replica and the receiver run in processes of
 * their own; PostgreSQL is the embedded one. Prints, in one run: (a) durable deliveries/s draining a backlog
 * for one DuckDB process and one PostgreSQL replica, and their ratio; (b) the same drain by three replicas,
 * against one; (c) kill -9 of one of three replicas while they drain, and how long until the survivors had
 * delivered what it held leased; (d) deliveries received more than once over the whole run, explained.
 */
public final class ClusterBench {
    /** While the receiver is frozen no attempt may time out, or the drain would measure retries. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** For the kill: a short timeout makes the lease (timeout + 10 s) short. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    private final PrintStream out;
    private final String command;
    private final long deliveries;
    private final int webhooks;
    private final long claims;
    /** {@code serve --warm-up} of every server and replica ("0s": none). */
    private final String warmUp;

    public ClusterBench(PrintStream out, String command, long deliveries, int webhooks, long claims, String warmUp) {
        this.out = out;
        this.command = command;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.claims = claims;
        this.warmUp = warmUp;
    }

    /** Options every server and replica gets: the delivery timeout, and the warm-up the deploy examples use. */
    private List<String> serveOptions(Duration deliveryTimeout) {
        return List.of("--delivery-timeout", deliveryTimeout.toSeconds() + "s", "--warm-up", warmUp);
    }

    public void run() {
        Path folder = LocalServer.freshFolder("eventwire-bench-cluster-");
        Receipts receipts = new Receipts();
        try (ChildProcess receiver = ChildProcess.start(List.of("receive"), Map.of(), folder.resolve("receiver.log"), receipts::line);
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(folder.resolve("postgres"), 0)) {
            int receiverPort = receipts.awaitPort();
            BacklogDrain drain = new BacklogDrain(receiver, receipts);
            out.printf("%s%n  %d cores; each server, replica and the receiver in a process of its own; embedded PostgreSQL on 127.0.0.1:%d;"
                            + " %d webhooks, each event matches all; data in %s%n",
                    command, Runtime.getRuntime().availableProcessors(), postgres.port(), webhooks, folder);
            out.printf("  every server and replica started with --warm-up %s (its hot paths run on a throwaway store before it listens, as the deploy examples start it);"
                    + " replicas one at a time, as a rolling deploy starts them%n", warmUp);
            out.printf("  (a), (b): %,d deliveries posted with the receiver frozen (SIGSTOP), timed from SIGCONT until all received and recorded delivered,"
                    + " after a warm-up drain of a tenth per process; --delivery-timeout %ds so no attempt times out while it is frozen%n", deliveries, DRAIN_TIMEOUT.toSeconds());

            BacklogDrain.Result duck;
            List<String> duckOptions = new java.util.ArrayList<>(List.of("--data", folder.resolve("duckdb").toString()));
            duckOptions.addAll(serveOptions(DRAIN_TIMEOUT));
            try (ServerProcess server = ServerProcess.start(List.of(), duckOptions, ChildProcess.freePort(), folder.resolve("duckdb.log"));
                 BenchTarget target = BenchTarget.create(List.of(server), webhooks, receiverPort, receiver)) {
                duck = measure("(a) one DuckDB process", drain, target, "duck-", 1);
            }
            Drains one = drainOnReplicas(postgres.createDatabase("one"), 1, folder, receiverPort, receiver, drain);
            out.printf("    PostgreSQL replica / DuckDB process = %.0f %% (goal ≥ 50 %%)%n", 100 * one.measured().rate() / duck.rate());
            Drains three = drainOnReplicas(postgres.createDatabase("three"), 3, folder, receiverPort, receiver, drain);
            out.printf("    three replicas / one replica = %.2f× (goal ≥ 1.0×)%n", three.measured().rate() / one.measured().rate());
            if (claims > 0) {
                out.printf("    long drains (--claims %,d): three replicas / one replica = %.2f×%n", claims, three.longer().rate() / one.longer().rate());
            }
            Set<String> explained = killDuringDrain(postgres.createDatabase("kill"), folder, receiverPort, receiver, receipts);

            receipts.sync();
            Set<String> repeated = receipts.repeatedIds();
            out.printf("(d) whole run: %,d deliveries received (claims that reached the receiver), %,d distinct webhook-ids, %,d received more than once;"
                            + " %,d of them among the killed replica's leases, %,d otherwise; %d bad signatures%n",
                    receipts.total(), receipts.total() - receipts.repeats(), repeated.size(), repeated.stream().filter(explained::contains).count(),
                    repeated.stream().filter(id -> !explained.contains(id)).count(), receipts.badSignatures());
            out.println("    a repeat is a delivery the killed replica had sent whose outcome died with it: sent again, same webhook-id, once its lease lapsed");
        } finally {
            LocalServer.keepLogs(folder, out);
            LocalServer.deleteFolder(folder);
        }
    }

    /** The measured drain on some replicas, and the longer one of {@code --claims} on the same processes (null without it). */
    private record Drains(BacklogDrain.Result measured, BacklogDrain.Result longer) {
    }

    private Drains drainOnReplicas(String url, int count, Path folder, int receiverPort, ChildProcess receiver, BacklogDrain drain) {
        try (Replicas replicas = Replicas.start(url, count, serveOptions(DRAIN_TIMEOUT), folder.resolve("pg" + count), true);
             BenchTarget target = BenchTarget.create(servers(replicas), webhooks, receiverPort, receiver)) {
            String label = count == 1 ? "(a) one PostgreSQL replica" : "(b) " + count + " PostgreSQL replicas";
            BacklogDrain.Result result = measure(label, drain, target, "pg" + count + "-", count);
            BacklogDrain.Result longer = claims > 0 ? report("(d) " + count + (count == 1 ? " replica" : " replicas") + ", --claims", drain.run(target, "claims-", claims)) : null;
            return new Drains(result, longer);
        }
    }

    /**
     * A warm-up drain of a tenth per process (so every process has compiled its hot paths as often as a
     * single one would have; three replicas each see a third of the work), then the measured one.
     */
    private BacklogDrain.Result measure(String label, BacklogDrain drain, BenchTarget target, String prefix, int processes) {
        drain.run(target, prefix + "warm-", Math.max(target.webhooks(), deliveries / 10) * processes);
        return report(label, drain.run(target, prefix, deliveries));
    }

    private BacklogDrain.Result report(String label, BacklogDrain.Result r) {
        out.printf("%-30s %7.0f deliveries/s durable (%,d deliveries; posted in %.1f s; received %s; all recorded delivered at %.1f s; %d received twice)%n",
                label, r.rate(), r.deliveries(), r.postSeconds(), r.arrivals().describe(), r.recordedSeconds(), r.repeats());
        return r;
    }

    /** (c): three replicas drain while events still arrive; r1 gets kill -9 once a third has been received. Returns the webhook-ids it held leased. */
    private Set<String> killDuringDrain(String url, Path folder, int receiverPort, ChildProcess receiver, Receipts receipts) {
        Duration lease = KILL_TIMEOUT.plusSeconds(10);
        try (Replicas replicas = Replicas.start(url, 3, serveOptions(KILL_TIMEOUT), folder.resolve("kill"), true);
             BenchTarget target = BenchTarget.create(servers(replicas), webhooks, receiverPort, receiver)) {
            Ledger ledger = new Ledger(url);
            long events = deliveries / webhooks;
            long expected = events * webhooks;
            receipts.reset();
            Set<String> repeatsBefore = receipts.repeatedIds();
            long start = System.nanoTime();
            Thread poster = Thread.ofPlatform().start(() -> target.post("kill-", events));
            while (receipts.distinct() < expected / 3) DeliveryBench.pause(Duration.ofMillis(20));
            // Killed while it holds leases, or the handover measured would be that of nothing (a replica that
            // had just delivered all it held); only if it never holds any again before the end is it killed idle.
            while (receipts.distinct() < expected && ledger.leaseCount(replicas.id(0)) == 0) DeliveryBench.pause(Duration.ofMillis(20));
            replicas.kill(0);
            long killed = System.nanoTime();
            Ledger.Leases leases = ledger.leasedBy(replicas.id(0));
            Ledger.Handover handover = ledger.awaitHandover(leases, killed, lease.plusSeconds(120));
            join(poster);
            while (receipts.distinct() < expected) DeliveryBench.pause(Duration.ofMillis(20));
            target.awaitAllRecorded();
            double seconds = (System.nanoTime() - start) / 1e9;
            receipts.sync();
            Set<String> repeated = new HashSet<>(receipts.repeatedIds());
            repeated.removeAll(repeatsBefore);
            long explained = repeated.stream().filter(leases.messageIds()::contains).count();
            out.printf("(c) kill -9 r1 of 3 mid-drain   r1 held %,d deliveries leased; the survivors recorded the first of them %s and all of them %s after the kill"
                            + " (lease = --delivery-timeout %ds + 10 s = %ds; goal ≤ %ds); %,d deliveries in %.1f s; %,d received twice, %,d of them r1's leases%n",
                    leases.seqs().size(), seconds(handover.first()), seconds(handover.all()), KILL_TIMEOUT.toSeconds(),
                    lease.toSeconds(), lease.toSeconds() + 2, expected, seconds, repeated.size(), explained);
            return leases.messageIds();
        }
    }

    private static String seconds(Optional<Duration> d) {
        return d.map(x -> String.format("%.1f s", x.toMillis() / 1000.0)).orElse("NOT (within the wait)");
    }

    private static List<ServerProcess> servers(Replicas replicas) {
        return IntStream.range(0, replicas.size()).mapToObj(replicas::get).toList();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
