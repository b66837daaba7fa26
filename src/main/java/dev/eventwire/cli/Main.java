package dev.eventwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eventwire <command>}: the entry point of the jar. */
@Command(name = "eventwire", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Event ingest, live metrics and durable signed webhooks in one process.",
        subcommands = {ServeCommand.class, DemoCommand.class, BenchCommand.class, VersionCommand.class, ReceiveCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        System.exit(exit);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
