package dev.eventwire.cli;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.Version;
import dev.eventwire.http.HttpServer;
import dev.eventwire.http.PortUnavailableException;
import dev.eventwire.metrics.MetricDefinitionException;
import dev.eventwire.support.Durations;
import dev.eventwire.support.Signals;
import dev.eventwire.support.StoreConfigurationException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the HTTP API, the store and the delivery engine.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:EVENTWIRE_HOST:-0.0.0.0}", description = "Address to bind (env EVENTWIRE_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:EVENTWIRE_PORT:-8080}", description = "HTTP port (env EVENTWIRE_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "${env:EVENTWIRE_DATA_DIR:-./data}", description = "Data folder (env EVENTWIRE_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--egress-allow", defaultValue = "${env:EVENTWIRE_EGRESS_ALLOW:-}", description = "Hosts or CIDRs exempt from the egress guard, comma-separated (env EVENTWIRE_EGRESS_ALLOW).")
    String egressAllow;

    @Option(names = "--retry-schedule", defaultValue = "${env:EVENTWIRE_RETRY_SCHEDULE:-5s,5m,30m,2h,5h,10h,10h}", description = "Delays after attempt 1, 2, ... (env EVENTWIRE_RETRY_SCHEDULE, default ${DEFAULT-VALUE}).")
    String retrySchedule;

    @Option(names = "--delivery-timeout", defaultValue = "${env:EVENTWIRE_DELIVERY_TIMEOUT:-15s}", description = "Whole-request timeout of a delivery attempt (env EVENTWIRE_DELIVERY_TIMEOUT, default ${DEFAULT-VALUE}).")
    String deliveryTimeout;

    @Option(names = "--metrics-file", defaultValue = "${env:EVENTWIRE_METRICS_FILE:-}", description = "YAML file of extra metric definitions (env EVENTWIRE_METRICS_FILE).")
    String metricsFile;

    @Option(names = "--max-webhooks-per-tenant", defaultValue = "${env:EVENTWIRE_MAX_WEBHOOKS_PER_TENANT:-100}",
            description = "Webhooks one tenant may have (env EVENTWIRE_MAX_WEBHOOKS_PER_TENANT, default ${DEFAULT-VALUE}).")
    int maxWebhooks;

    @Option(names = "--max-deliveries-per-request", defaultValue = "${env:EVENTWIRE_MAX_DELIVERIES_PER_REQUEST:-10000}",
            description = "Deliveries one ingest request may create (env EVENTWIRE_MAX_DELIVERIES_PER_REQUEST, default ${DEFAULT-VALUE}).")
    int maxDeliveriesPerRequest;

    @Option(names = "--tenant-ingest-budget-mib", defaultValue = "${env:EVENTWIRE_TENANT_INGEST_BUDGET_MIB:-16}",
            description = "MiB of one tenant's ingest request bodies in progress at once; more get 429 (env EVENTWIRE_TENANT_INGEST_BUDGET_MIB, default ${DEFAULT-VALUE}).")
    long tenantIngestBudgetMiB;

    @Option(names = "--body-budget-mib", defaultValue = "${env:EVENTWIRE_BODY_BUDGET_MIB:-64}",
            description = "MiB of request bodies read and parsed at once, all tenants (env EVENTWIRE_BODY_BUDGET_MIB, default ${DEFAULT-VALUE}).")
    long bodyBudgetMiB;

    @Option(names = "--database-url", defaultValue = "${env:EVENTWIRE_DATABASE_URL:-}",
            description = "PostgreSQL database shared by replicas, as postgresql://user:password@host:5432/db or a jdbc:postgresql: URL;"
                    + " empty = the embedded DuckDB file in --data (env EVENTWIRE_DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--replica-id", defaultValue = "${env:EVENTWIRE_REPLICA_ID:-}",
            description = "This replica's name among those sharing a database (env EVENTWIRE_REPLICA_ID, default <hostname>-<pid>).")
    String replicaId;

    @Option(names = "--retention", defaultValue = "${env:EVENTWIRE_RETENTION:-35d}",
            description = "Events, finished deliveries and attempt rows older than this are removed in the background; pending deliveries never"
                    + " (env EVENTWIRE_RETENTION, default ${DEFAULT-VALUE}, at least 1h).")
    String retention;

    @Option(names = "--disable-after", defaultValue = "${env:EVENTWIRE_DISABLE_AFTER:-5d}",
            description = "A webhook whose every attempt has failed this long is disabled (env EVENTWIRE_DISABLE_AFTER, default ${DEFAULT-VALUE}).")
    String disableAfter;

    @Option(names = "--metrics-auth", defaultValue = "${env:EVENTWIRE_METRICS_AUTH:-none}",
            description = "Who may read GET /metrics: none (anyone) or admin (the admin key) (env EVENTWIRE_METRICS_AUTH, default ${DEFAULT-VALUE}).")
    String metricsAuth;

    @Option(names = "--warm-up", defaultValue = "${env:EVENTWIRE_WARM_UP:-0s}",
            description = "Before opening the port, run the hot paths this long on a throwaway server in the same process, so the first"
                    + " real requests find compiled code; 0s = none (env EVENTWIRE_WARM_UP, default ${DEFAULT-VALUE}; 30s suits a restart under load).")
    String warmUp;

    @Override
    public Integer call() {
        ServeConfig config;
        java.time.Duration warmUpFor;
        try {
            config = config();
            warmUpFor = Durations.parseOne(warmUp);
        } catch (IllegalArgumentException e) {
            System.err.println("eventwire: " + e.getMessage());
            return 2;
        }
        try {
            HttpServer.requireFree(host, port);
        } catch (PortUnavailableException e) {
            System.err.println("eventwire: " + e.getMessage());
            return 2;
        }
        if (!warmUpFor.isZero()) WarmUp.run(warmUpFor, config.storage(), System.out);
        return serve(config);
    }

    private ServeConfig config() {
        LogFormat.check(System.getenv(LogFormat.VARIABLE));
        List<java.time.Duration> schedule = Durations.parseList(retrySchedule);
        if (schedule.isEmpty()) throw new IllegalArgumentException("--retry-schedule needs at least one delay, such as 5s,5m,30m");
        return new ServeConfig(host, port, data,
                Optional.ofNullable(System.getenv("EVENTWIRE_ADMIN_KEY")),
                Arrays.stream(egressAllow.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                schedule, Durations.parseOne(deliveryTimeout),
                metricsFile.isBlank() ? Optional.empty() : Optional.of(Path.of(metricsFile)),
                new dev.eventwire.Limits(maxWebhooks, maxDeliveriesPerRequest, tenantIngestBudgetMiB << 20, bodyBudgetMiB << 20),
                new ServeConfig.Storage(databaseUrl.isBlank() ? Optional.empty() : Optional.of(databaseUrl.strip()),
                        replicaId.isBlank() ? ServeConfig.Storage.defaultReplicaId() : replicaId.strip()),
                retentionPeriod(), Durations.parseOne(disableAfter), dev.eventwire.MetricsAuth.parse(metricsAuth));
    }

    private java.time.Duration retentionPeriod() {
        java.time.Duration period = Durations.parseOne(retention);
        if (period.compareTo(java.time.Duration.ofHours(1)) < 0) throw new IllegalArgumentException("--retention must be at least 1h");
        return period;
    }

    private int serve(ServeConfig config) {
        App app;
        try {
            app = App.start(config, Clock.systemUTC(), System.out::println);
        } catch (MetricDefinitionException | StoreConfigurationException e) {
            System.err.println("eventwire: cannot start: " + e.getMessage());
            return 2;
        } catch (PortUnavailableException e) {
            System.err.println("eventwire: " + e.getMessage());
            return 2;
        }
        System.out.println("Eventwire " + Version.current() + " listening on http://" + host + ":" + app.port() + " (data: " + data.toAbsolutePath() + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        // A store that refuses every write until reopened (a full disk, an I/O error) is not left running as
        // a zombie: /health says why for a few seconds, then the process exits 75 so a supervisor restarts it.
        Thread.ofPlatform().daemon(true).name("eventwire-store-watch").start(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                    if (app.needsRestart()) {
                        Thread.sleep(3000);
                        System.err.println("eventwire: " + app.health() + ". Exiting (75) so that a supervisor restarts the service;"
                                + " everything acknowledged is in the write-ahead log and is replayed at start.");
                        Runtime.getRuntime().halt(75);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("Stopping: draining requests and deliveries...");
        app.close();
        System.out.println("Stopped.");
        return 0;
    }
}
