package dev.eventwire.cli;

import dev.eventwire.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a server with two local receivers and streams synthetic e-commerce events through it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "20", description = "How long to stream events (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--keep-running", description = "Keep the server up afterwards and print curl commands to explore it.")
    boolean keepRunning;

    @Override
    public Integer call() {
        return new Demo(System.out, Duration.ofSeconds(seconds), keepRunning).run();
    }
}
