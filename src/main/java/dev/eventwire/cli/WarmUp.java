package dev.eventwire.cli;

import dev.eventwire.bench.LoadClient;
import dev.eventwire.bench.LocalServer;
import dev.eventwire.demo.LocalReceiver;
import dev.eventwire.ServeConfig;
import dev.eventwire.store.postgres.WarmUpSchema;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Before the server opens its port, runs its hot paths for a while on throwaway servers in the same JVM
 * (two rounds, see below)
 * — single events and batches, their fan-out, signed deliveries to a loopback receiver, metric reads,
 * one request in ten on a connection of its own and health checks (a server that only ever saw 64 pooled
 * connections met real clients' new connections on cold accept paths: its first seconds stalled),
 * and the path of a backlog: a third webhook's receiver refuses every other second, so its deliveries
 * are retried from the store a second later in claims of hundreds (what a restart after an outage
 * drains) — so that the JIT has compiled them when real traffic arrives. A replica on PostgreSQL warms
 * up on PostgreSQL, in a schema of its own that is dropped afterwards ({@link WarmUpSchema}); where the
 * database refuses to create one, on the embedded store. A cold JVM hit at once with a production
 * rate answers its first seconds slowly (docs/jvm-flags.md). The throwaway server's data folder is
 * deleted afterwards; nothing of it reaches the real store.
 */
final class WarmUp {
    /** Requests in flight: with fewer (eight), a cold server on two busy cores took 144 requests/s, too few for the JIT's thresholds. */
    private static final int SENDERS = 64;
    /** The flaky receiver's refusals are retried after a second, several times, never long enough to give up. */
    private static final List<Duration> RETRIES = java.util.Collections.nCopies(8, Duration.ofSeconds(1));

    private WarmUp() {
    }

    /**
     * Warms up for {@code length}, or until {@code stopRequested} (a SIGTERM while warming up): the round
     * under way then ends within a second and its throwaway server is stopped and deleted as usual.
     */
    static void run(Duration length, ServeConfig.Storage storage, BooleanSupplier stopRequested, PrintStream out) {
        // The throwaway servers' own lines ("serving on" a port nobody uses, "slow commit" in a temporary
        // folder) read as the real server's in the operator's log: only their errors are kept, and the
        // warm-up's progress lines say what happens.
        ch.qos.logback.classic.Logger service = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.eventwire");
        ch.qos.logback.classic.Level level = service.getLevel();
        service.setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            runQuietly(length, storage, stopRequested, out);
        } finally {
            service.setLevel(level);
        }
    }

    private static void runQuietly(Duration length, ServeConfig.Storage storage, BooleanSupplier stopRequested, PrintStream out) {
        if (storage.databaseUrl().isEmpty()) {
            run(length, UnaryOperator.identity(), "a throwaway server", stopRequested, out);
            return;
        }
        WarmUpSchema schema;
        try {
            schema = WarmUpSchema.create(storage.databaseUrl().get(), storage.replicaId());
        } catch (SQLException e) {
            out.println("Cannot create a warm-up schema in the database (" + e.getMessage() + "); warming up on the embedded store instead.");
            run(length, UnaryOperator.identity(), "a throwaway server", stopRequested, out);
            return;
        }
        try (schema) {
            run(length, c -> c.withStorage(new ServeConfig.Storage(Optional.of(schema.databaseUrl()), "warm-up-" + storage.replicaId())),
                    "a throwaway server in schema " + schema.name(), stopRequested, out);
        } catch (SQLException e) {
            out.println("Could not drop the warm-up schema " + schema.name() + " (" + e.getMessage() + "); the next start of this replica drops it.");
        }
    }

    private static void run(Duration length, UnaryOperator<ServeConfig> store, String where, BooleanSupplier stopRequested, PrintStream out) {
        WarmUpEnd end = WarmUpEnd.forLength(length);
        out.println("Warming up for " + length.toSeconds() + " s (longer while the compiler is busy, at most " + end.cap().toSeconds()
                + " s of traffic, plus a few seconds to start and stop the throwaway servers) on " + where + " before serving...");
        long started = System.nanoTime();
        Duration first = length.multipliedBy(4).dividedBy(5);
        AtomicLong sent = new AtomicLong();
        CompilerActivity compiler = new CompilerActivity();
        try (LocalReceiver sink = new LocalReceiver(() -> 200, receipt -> { });
             LocalReceiver flaky = new LocalReceiver(() -> System.nanoTime() / 1_000_000_000L % 2 == 0 ? 503 : 200, receipt -> { })) {
            // Two rounds, each on a server of its own. Stopping the first takes branches (pools shrinking,
            // selectors closing, writers stopping) through code the JIT compiled without them, and the JIT
            // throws that code away: the real server then began on interpreted code and spent its first
            // seconds compiling again (0.4 of a core in a backlog drain's first 2.5 s). The second round
            // compiles it again with those branches in its profile; stopping it throws a quarter as much
            // away (0.14 of a core in the same window). The second round goes on until the compiler is done.
            round(store, sink, flaky, sent, compiler, quietSeconds -> stopRequested.getAsBoolean() || elapsed(started).compareTo(first) >= 0);
            if (stopRequested.getAsBoolean()) {
                out.println("Warm-up stopped after " + elapsed(started).toSeconds() + " s: asked to stop.");
                return;
            }
            boolean settled = round(store, sink, flaky, sent, compiler,
                    quietSeconds -> stopRequested.getAsBoolean() || end.reached(elapsed(started), quietSeconds));
            out.println(stopRequested.getAsBoolean() ? "Warm-up stopped after " + elapsed(started).toSeconds() + " s: asked to stop."
                    : "Warmed up: " + sent.get() + " requests in " + elapsed(started).toSeconds() + " s"
                    + (settled ? "." : "; the compiler was still busy at the limit."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Decides, once a second, whether a round stops, from the seconds in a row the compiler has been quiet. */
    @FunctionalInterface
    private interface StopRule {
        boolean stop(int quietSeconds);
    }

    /**
     * One throwaway server with two webhooks on the sink and one on the flaky receiver, under load until
     * {@code rule} says stop; returns whether the compiler was quiet then.
     */
    private static boolean round(UnaryOperator<ServeConfig> store, LocalReceiver sink, LocalReceiver flaky, AtomicLong sent,
                                 CompilerActivity compiler, StopRule rule) throws InterruptedException {
        AtomicBoolean stopping = new AtomicBoolean();
        try (LocalServer server = new LocalServer(LocalServer.freshFolder("eventwire-warm-up-"), true,
                c -> store.apply(c.withEgressAllow(List.of("127.0.0.1/32")).withRetrySchedule(RETRIES)))) {
            String key = server.createTenantKey("warm-up", "warm-up");
            LoadClient client = server.client();
            for (int i = 0; i < 2; i++) {
                client.post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + sink.port() + "/w" + i + "\"}");
            }
            client.post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + flaky.port() + "/backlog\"}");
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (!stopping.get()) {
                        long i = sent.incrementAndGet();
                        if (i % 10 == 5) client.postOnNewConnection("/v1/events", key, event(i));
                        else client.post("/v1/events", key, i % 50 == 0 ? batch(i) : event(i));
                        if (i % 100 == 0) client.get("/v1/metrics/revenue?window=5m", key);
                        if (i % 20 == 7) client.get("/health", null);
                    }
                }));
            }
            int quietSeconds = 0;
            while (!rule.stop(quietSeconds)) {
                quietSeconds = WarmUpEnd.quiet(compiler.millisCompilingOverASecond()) ? quietSeconds + 1 : 0;
            }
            stopping.set(true);
            for (Thread s : senders) s.join();
            return quietSeconds >= WarmUpEnd.QUIET_SECONDS;
        }
    }

    private static String event(long i) {
        if (i % 2 == 0) return "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":" + (i % 500) + ".5}}";
        return "{\"event_id\":\"w-" + i + "\",\"event_type\":\"order.created\",\"entity_id\":\"c-" + (i % 97)
                + "\",\"data\":{\"total_amount\":" + (i % 500) + ".25,\"session_id\":\"s-" + (i % 31) + "\"}}";
    }

    private static String batch(long i) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int k = 0; k < 100; k++) {
            if (k > 0) b.append(',');
            b.append(event(i * 1000 + k));
        }
        return b.append("]}").toString();
    }
}
