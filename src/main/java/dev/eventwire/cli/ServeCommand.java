package dev.eventwire.cli;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.Version;
import dev.eventwire.http.HttpServer;
import dev.eventwire.http.PortUnavailableException;
import dev.eventwire.metrics.MetricDefinitionException;
import dev.eventwire.support.Signals;
import dev.eventwire.support.StoreConfigurationException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the HTTP API, the store and the delivery engine.",
        footerHeading = "%nSet only in the environment:%n", footer = {
                "  EVENTWIRE_ADMIN_KEY            the admin key, at least 24 characters;",
                "                                 unset: generated into <data>/admin.key",
                "  EVENTWIRE_SECRET_KEY           32 random bytes in base64 sealing the webhook",
                "                                 secrets at rest; unset: stored as they are",
                "  EVENTWIRE_SECRET_KEY_PREVIOUS  the key before it, while changing keys",
                "  EVENTWIRE_LOG_FORMAT           text (the default) or json",
                "%nEvery setting with its range: the configuration table of the README."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:EVENTWIRE_HOST:-0.0.0.0}", description = "Address to bind (env EVENTWIRE_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:EVENTWIRE_PORT:-8080}", description = "HTTP port (env EVENTWIRE_PORT, default ${DEFAULT-VALUE}).")
    String port;

    @Option(names = "--data", defaultValue = "${env:EVENTWIRE_DATA_DIR:-./data}", description = "Data folder (env EVENTWIRE_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--egress-allow", defaultValue = "${env:EVENTWIRE_EGRESS_ALLOW:-}", description = "Hosts or CIDRs exempt from the egress guard, comma-separated (env EVENTWIRE_EGRESS_ALLOW).")
    String egressAllow;

    @Option(names = "--webhook-ca", defaultValue = "${env:EVENTWIRE_WEBHOOK_CA:-}",
            description = "PEM file of certificate authorities (or self-signed certificates) trusted for HTTPS webhooks, besides the JVM's (env EVENTWIRE_WEBHOOK_CA).")
    String webhookCa;

    @Option(names = "--retry-schedule", defaultValue = "${env:EVENTWIRE_RETRY_SCHEDULE:-5s,5m,30m,2h,5h,10h,10h}", description = "Delays after attempt 1, 2, ... (env EVENTWIRE_RETRY_SCHEDULE, default ${DEFAULT-VALUE}).")
    String retrySchedule;

    @Option(names = "--delivery-timeout", defaultValue = "${env:EVENTWIRE_DELIVERY_TIMEOUT:-15s}", description = "Whole-request timeout of a delivery attempt (env EVENTWIRE_DELIVERY_TIMEOUT, default ${DEFAULT-VALUE}).")
    String deliveryTimeout;

    @Option(names = "--metrics-file", defaultValue = "${env:EVENTWIRE_METRICS_FILE:-}", description = "YAML file of extra metric definitions (env EVENTWIRE_METRICS_FILE).")
    String metricsFile;

    @Option(names = "--max-webhooks-per-tenant", defaultValue = "${env:EVENTWIRE_MAX_WEBHOOKS_PER_TENANT:-100}",
            description = "Webhooks one tenant may have (env EVENTWIRE_MAX_WEBHOOKS_PER_TENANT, default ${DEFAULT-VALUE}).")
    String maxWebhooks;

    @Option(names = "--max-deliveries-per-request", defaultValue = "${env:EVENTWIRE_MAX_DELIVERIES_PER_REQUEST:-10000}",
            description = "Deliveries one ingest request may create (env EVENTWIRE_MAX_DELIVERIES_PER_REQUEST, default ${DEFAULT-VALUE}).")
    String maxDeliveriesPerRequest;

    @Option(names = "--tenant-ingest-budget-mib", defaultValue = "${env:EVENTWIRE_TENANT_INGEST_BUDGET_MIB:-16}",
            description = "MiB of one tenant's request bodies (any /v1 request with a body) in progress at once; more get 429 (env EVENTWIRE_TENANT_INGEST_BUDGET_MIB, default ${DEFAULT-VALUE}).")
    String tenantIngestBudgetMiB;

    @Option(names = "--tenant-ingest-rate-mib", defaultValue = "${env:EVENTWIRE_TENANT_INGEST_RATE_MIB:-0}",
            description = "MiB of request bodies one tenant may send per second, on average (bursts of a second, or one 5 MiB body);"
                    + " more get 429 with the seconds to wait in Retry-After; 0 = no limit (env EVENTWIRE_TENANT_INGEST_RATE_MIB, default ${DEFAULT-VALUE}).")
    String tenantIngestRateMiB;

    @Option(names = "--max-distinct-values", defaultValue = "${env:EVENTWIRE_MAX_DISTINCT_VALUES:-250000}",
            description = "Distinct values one tenant's distinct-count metric keeps in memory (about 150 bytes each);"
                    + " a metric with more is read from the database (env EVENTWIRE_MAX_DISTINCT_VALUES, default ${DEFAULT-VALUE}).")
    String maxDistinctValues;

    @Option(names = "--body-budget-mib", defaultValue = "${env:EVENTWIRE_BODY_BUDGET_MIB:-64}",
            description = "MiB of request bodies read and parsed at once, all tenants (env EVENTWIRE_BODY_BUDGET_MIB, default ${DEFAULT-VALUE}).")
    String bodyBudgetMiB;

    @Option(names = "--database-url", defaultValue = "${env:EVENTWIRE_DATABASE_URL:-}",
            description = "PostgreSQL database shared by replicas, as postgresql://user:password@host:5432/db or a jdbc:postgresql: URL;"
                    + " empty = the embedded DuckDB store in --data (env EVENTWIRE_DATABASE_URL).")
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

    private static final BoundedOption PORT = new BoundedOption("--port", "EVENTWIRE_PORT");
    private static final BoundedOption RETRY_SCHEDULE = new BoundedOption("--retry-schedule", "EVENTWIRE_RETRY_SCHEDULE");
    private static final BoundedOption DELIVERY_TIMEOUT = new BoundedOption("--delivery-timeout", "EVENTWIRE_DELIVERY_TIMEOUT");
    private static final BoundedOption MAX_WEBHOOKS = new BoundedOption("--max-webhooks-per-tenant", "EVENTWIRE_MAX_WEBHOOKS_PER_TENANT");
    private static final BoundedOption MAX_DELIVERIES = new BoundedOption("--max-deliveries-per-request", "EVENTWIRE_MAX_DELIVERIES_PER_REQUEST");
    private static final BoundedOption TENANT_BUDGET = new BoundedOption("--tenant-ingest-budget-mib", "EVENTWIRE_TENANT_INGEST_BUDGET_MIB");
    private static final BoundedOption TENANT_RATE = new BoundedOption("--tenant-ingest-rate-mib", "EVENTWIRE_TENANT_INGEST_RATE_MIB");
    private static final BoundedOption MAX_DISTINCT_VALUES = new BoundedOption("--max-distinct-values", "EVENTWIRE_MAX_DISTINCT_VALUES");
    private static final BoundedOption BODY_BUDGET = new BoundedOption("--body-budget-mib", "EVENTWIRE_BODY_BUDGET_MIB");
    private static final BoundedOption RETENTION = new BoundedOption("--retention", "EVENTWIRE_RETENTION");
    private static final BoundedOption DISABLE_AFTER = new BoundedOption("--disable-after", "EVENTWIRE_DISABLE_AFTER");
    private static final BoundedOption METRICS_AUTH = new BoundedOption("--metrics-auth", "EVENTWIRE_METRICS_AUTH");
    private static final BoundedOption WARM_UP = new BoundedOption("--warm-up", "EVENTWIRE_WARM_UP");
    static final Duration MAX_WARM_UP = Duration.ofHours(1);

    @Override
    public Integer call() {
        try {
            LogFormat.check(System.getenv(LogFormat.VARIABLE));
        } catch (IllegalArgumentException e) {
            // Plainly, and not through the log: with this value the log would write nothing.
            System.err.println("eventwire: " + e.getMessage());
            return 2;
        }
        ServeConfig config;
        Duration warmUpFor;
        try {
            config = config();
            warmUpFor = WARM_UP.duration(warmUp, Duration.ZERO, MAX_WARM_UP);
        } catch (IllegalArgumentException e) {
            ServeOutput.fail(e.getMessage());
            return 2;
        }
        if (java.nio.file.Files.exists(data) && !java.nio.file.Files.isDirectory(data)) {
            ServeOutput.fail("--data (or EVENTWIRE_DATA_DIR) must be a folder: " + data + " is a file.");
            return 2;
        }
        try {
            HttpServer.requireFree(host, config.port());
        } catch (PortUnavailableException e) {
            ServeOutput.fail(e.getMessage());
            return 2;
        }
        // Listening for SIGTERM from here: one during the warm-up ends it (its throwaway files deleted) and the
        // process exits 0 without serving, as it does after a stop.
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        if (!warmUpFor.isZero()) {
            WarmUp.run(warmUpFor, config.storage(), () -> stop.getCount() == 0, ServeOutput.sayingStream());
            if (stop.getCount() == 0) return 0;
        }
        return serve(config, stop);
    }

    private ServeConfig config() {
        // The ranges are the README's option table. The upper ends keep every sum the service forms with a
        // value (now minus the retention, a budget in bytes) far from overflow, and are past any sensible use.
        Duration hundredYears = Duration.ofDays(36_500);
        String folder = data.toString();
        if (folder.isBlank() || !folder.equals(folder.strip())) {
            // An empty value is the current folder: a start from /opt or a home folder made every file in
            // it owner-only and filled it with database files.
            throw new IllegalArgumentException("--data (or EVENTWIRE_DATA_DIR) must name a folder, without spaces around it (got '" + folder + "')");
        }
        if (databaseUrl.isBlank()) {
            dev.eventwire.support.EmbeddedStorePaths.problem(data.toAbsolutePath().toString()).ifPresent(problem -> {
                throw new IllegalArgumentException("--data (or EVENTWIRE_DATA_DIR) " + dev.eventwire.support.Echo.of(folder) + ": " + problem);
            });
        }
        Optional<String> adminKey = Optional.ofNullable(System.getenv(dev.eventwire.auth.AdminKeyFile.VARIABLE));
        dev.eventwire.auth.AdminKeyFile.check(adminKey, data);
        return new ServeConfig(checkedHost(host), (int) PORT.whole(port, 0, 65_535), data, adminKey,
                egress(),
                RETRY_SCHEDULE.durations(retrySchedule, Duration.ZERO, Duration.ofDays(365), 100),
                DELIVERY_TIMEOUT.duration(deliveryTimeout, Duration.ofMillis(100), Duration.ofHours(1)),
                metricsFile.isBlank() ? Optional.empty() : Optional.of(Path.of(metricsFile)),
                new dev.eventwire.Limits((int) MAX_WEBHOOKS.whole(maxWebhooks, 1, 1_000_000),
                        (int) MAX_DELIVERIES.whole(maxDeliveriesPerRequest, 1, 10_000_000),
                        TENANT_BUDGET.whole(tenantIngestBudgetMiB, 5, 1L << 20) << 20, BODY_BUDGET.whole(bodyBudgetMiB, 5, 1L << 20) << 20,
                        TENANT_RATE.whole(tenantIngestRateMiB, 0, 1L << 20) << 20,
                        (int) MAX_DISTINCT_VALUES.whole(maxDistinctValues, 1, 100_000_000)),
                new ServeConfig.Storage(checkedDatabaseUrl(databaseUrl),
                        replicaId.isBlank() ? ServeConfig.Storage.defaultReplicaId() : replicaId.strip(),
                        // Environment only: a key on the command line would show in every process listing.
                        dev.eventwire.store.SecretSeal.fromKeys(Optional.ofNullable(System.getenv(dev.eventwire.store.SecretSeal.VARIABLE)),
                                Optional.ofNullable(System.getenv(dev.eventwire.store.SecretSeal.PREVIOUS_VARIABLE)))),
                RETENTION.duration(retention, Duration.ofHours(1), hundredYears),
                DISABLE_AFTER.duration(disableAfter, Duration.ofMinutes(1), hundredYears), METRICS_AUTH.parsed(metricsAuth, dev.eventwire.MetricsAuth::parse));
    }

    /**
     * An empty host bound every address while the log said {@code http://:8080}; a name that does not
     * resolve was reported as a port already in use.
     */
    private static String checkedHost(String host) {
        String h = host.strip();
        if (h.isEmpty() || !h.equals(host)) {
            throw new IllegalArgumentException("--host (or EVENTWIRE_HOST) must be an address of this machine, such as 127.0.0.1 or 0.0.0.0 for all of them,"
                    + " or a name that resolves to one (got '" + host + "')");
        }
        if (dev.eventwire.support.Ipv4Text.isShorthand(h)) {
            throw new IllegalArgumentException("--host (or EVENTWIRE_HOST) must be an IPv4 address written as four numbers, such as 127.0.0.1 or 0.0.0.0"
                    + " for all addresses (got '" + host + "': " + dev.eventwire.support.Ipv4Text.WHY_FULL_FORM + ")");
        }
        try {
            java.net.InetAddress.getByName(h);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--host (or EVENTWIRE_HOST): the host name " + h + " does not resolve; give an address of this machine,"
                    + " such as 127.0.0.1 or 0.0.0.0 for all of them");
        }
        return h;
    }

    /**
     * Empty for the embedded store. A URL that does not parse is a mistake on the command line: one line,
     * exit 2, before a key or folder is written. So are spaces where a URL was meant (a secret that
     * expanded to blanks): a replica would run alone on the embedded store, taking events the others never see.
     */
    private static Optional<String> checkedDatabaseUrl(String text) {
        if (text.isEmpty()) return Optional.empty();
        if (text.isBlank()) {
            throw new IllegalArgumentException("--database-url (or EVENTWIRE_DATABASE_URL) is blank; leave it empty for the embedded store,"
                    + " or give a PostgreSQL URL");
        }
        String url = text.strip();
        try {
            dev.eventwire.store.postgres.DatabaseUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--database-url (or EVENTWIRE_DATABASE_URL): " + e.getMessage() + ".");
        }
        return Optional.of(url);
    }

    private ServeConfig.Egress egress() {
        List<String> allow = egressAllowList();
        if (webhookCa.isBlank()) return new ServeConfig.Egress(allow, dev.eventwire.delivery.ReceiverTrust.JVM_DEFAULTS);
        try {
            return new ServeConfig.Egress(allow, dev.eventwire.delivery.ReceiverTrust.withCertificatesOf(Path.of(webhookCa.strip())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--webhook-ca (or EVENTWIRE_WEBHOOK_CA): " + e.getMessage() + ".");
        }
    }

    private List<String> egressAllowList() {
        List<String> entries = Arrays.stream(egressAllow.split(",", -1)).map(String::strip).toList();
        if (egressAllow.isBlank()) entries = List.of();
        else if (entries.stream().anyMatch(String::isEmpty)) {
            // As the retry schedule's: an empty entry is a slip (a value pasted twice, a variable that was empty), not a choice.
            throw new IllegalArgumentException("--egress-allow (or EVENTWIRE_EGRESS_ALLOW): '" + egressAllow
                    + "' has an empty entry; separate hosts and CIDR blocks by single commas.");
        }
        try {
            dev.eventwire.delivery.EgressGuard.checkAllowList(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--egress-allow (or EVENTWIRE_EGRESS_ALLOW): " + e.getMessage() + ".");
        }
        return entries;
    }

    /** Where the data is: the folder, or on PostgreSQL the database (the folder then holds nothing of it). */
    private String storeShown(ServeConfig.Storage storage) {
        return storage.databaseUrl().map(url -> "store: PostgreSQL at " + dev.eventwire.store.postgres.DatabaseUrl.parse(url).redacted())
                .orElseGet(() -> "data: " + data.toAbsolutePath().normalize());
    }

    private int serve(ServeConfig config, CountDownLatch stop) {
        App app;
        try {
            app = App.start(config, Clock.systemUTC(), ServeOutput::say);
        } catch (MetricDefinitionException | StoreConfigurationException e) {
            ServeOutput.fail("cannot start: " + e.getMessage());
            return 2;
        } catch (PortUnavailableException e) {
            ServeOutput.fail(e.getMessage());
            return 2;
        } catch (dev.eventwire.support.StoreUnavailableException | java.io.UncheckedIOException e) {
            // The data folder cannot be opened or written now (an I/O error, a damaged file): one line, and an
            // exit a supervisor may retry.
            String cause = e.getCause() == null || e instanceof dev.eventwire.support.StoreUnavailableException ? "" : ": " + e.getCause().getMessage();
            String why = (e.getMessage() + cause).replaceAll("[.!\\s]+$", "");
            ServeOutput.fail("cannot start: " + why + ". Exiting (75).");
            return 75;
        }
        // Once started: a refused start stays the one line that says why.
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);
        log.info(ServerHeap.describe());
        config.storage().secrets().startNote().ifPresent(log::warn);
        // An IPv6 address goes in brackets, so the line holds a URL one can paste.
        String shownHost = host.strip().contains(":") ? "[" + host.strip() + "]" : host.strip();
        ServeOutput.say("Eventwire " + Version.current() + " listening on http://" + shownHost + ":" + app.port() + " (" + storeShown(config.storage()) + ")");
        // A store that refuses every write until reopened (a full disk, an I/O error) is not left running as
        // a zombie: /health says why for a few seconds, then the process exits 75 so a supervisor restarts it.
        Thread.ofPlatform().daemon(true).name("eventwire-store-watch").start(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                    if (app.needsRestart()) {
                        Thread.sleep(3000);
                        ServeOutput.fail(app.health() + ". Exiting (75) so that a supervisor restarts the service;"
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
        ServeOutput.say("Stopping: draining requests and deliveries...");
        app.close();
        ServeOutput.say("Stopped.");
        return 0;
    }
}
