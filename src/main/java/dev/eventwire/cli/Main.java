package dev.eventwire.cli;

import dev.eventwire.store.duckdb.NativeLibraryLeftovers;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eventwire <command>}: the entry point of the jar. */
@Command(name = "eventwire", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Event ingest, live metrics and durable signed webhooks in one process.",
        subcommands = {ServeCommand.class, DemoCommand.class, BenchCommand.class, VersionCommand.class, ReceiveCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        // Before anything loads DuckDB (every command may): copies of its native library that killed
        // processes left in the temporary folder would otherwise pile up, 70 MB each.
        NativeLibraryLeftovers.remove(Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC());
        int exit = new CommandLine(new Main()).execute(args);
        System.exit(exit);
    }

    /** No command: a usage error, as for any command-line tool (a script that forgot the command must not pass). */
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }
}
