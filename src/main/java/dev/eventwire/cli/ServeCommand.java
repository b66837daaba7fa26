package dev.eventwire.cli;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.Version;
import dev.eventwire.metrics.MetricDefinitionException;
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

    @Override
    public Integer call() {
        ServeConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("eventwire: " + e.getMessage());
            return 2;
        }
        return serve(config);
    }

    private ServeConfig config() {
        List<java.time.Duration> schedule = DurationList.parse(retrySchedule);
        if (schedule.isEmpty()) throw new IllegalArgumentException("--retry-schedule needs at least one delay, such as 5s,5m,30m");
        return new ServeConfig(host, port, data,
                Optional.ofNullable(System.getenv("EVENTWIRE_ADMIN_KEY")),
                Arrays.stream(egressAllow.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                schedule, DurationList.parseOne(deliveryTimeout),
                metricsFile.isBlank() ? Optional.empty() : Optional.of(Path.of(metricsFile)));
    }

    private int serve(ServeConfig config) {
        App app;
        try {
            app = App.start(config, Clock.systemUTC(), System.out::println);
        } catch (MetricDefinitionException e) {
            System.err.println("eventwire: cannot start: " + e.getMessage());
            return 2;
        }
        System.out.println("Eventwire " + Version.current() + " listening on http://" + host + ":" + app.port() + " (data: " + data.toAbsolutePath() + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
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
