package dev.eventwire.cli;

import dev.eventwire.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a server with three local receivers (one of them rate-limited), rotates a secret and streams synthetic e-commerce events through it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "20", description = "How long to stream events (default ${DEFAULT-VALUE}).")
    String seconds;

    @Option(names = "--keep-running", description = "Keep the server up afterwards and print curl commands to explore it.")
    boolean keepRunning;

    @Option(names = "--cluster", description = "Three replicas on an embedded PostgreSQL instead; one is killed with kill -9 midway.")
    boolean cluster;

    @Override
    public Integer call() {
        Duration streaming = Duration.ofSeconds(BoundedOption.commandLine("--seconds").wholeInt(seconds, 1, 3_600));
        if (cluster && keepRunning) {
            // Taken silently, it ran the cluster demo, stopped everything and printed none of what it promised.
            throw new BoundedOption.OptionValueException("--keep-running is for the single-server demo: the cluster demo stops its replicas"
                    + " and its PostgreSQL when its summary is printed", null);
        }
        if (cluster) return new dev.eventwire.demo.ClusterDemo(System.out, streaming).run();
        return new Demo(System.out, streaming, keepRunning).run();
    }
}
