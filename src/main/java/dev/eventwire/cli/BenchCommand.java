package dev.eventwire.cli;

import dev.eventwire.bench.IngestBench;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks against a fresh server on loopback; prints the figures.",
        subcommands = {BenchCommand.Ingest.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
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
}
