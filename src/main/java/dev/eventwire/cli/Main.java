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
        CommandLine line = new CommandLine(new Main());
        line.setParameterExceptionHandler(Main::badCommandLine);
        line.setExecutionExceptionHandler(Main::badOptionValue);
        int exit;
        try {
            exit = line.execute(args);
        } catch (Throwable e) {
            // An Error the command did not handle (out of memory, a class missing from a jar replaced under the
            // process): the process ends, exit 1. Left to the thread, main ended while the server's own threads
            // kept the process, and the data folder's lock, alive without serving.
            exit = 1;
            try {
                org.slf4j.LoggerFactory.getLogger(Main.class).error("unexpected failure", e);
                ServeOutput.fail("eventwire failed unexpectedly: " + e + " (the log above has the trace). Exiting (1).");
            } catch (Throwable cannotSay) {
                // The logging classes may be what is missing: the plain line still goes out.
                System.err.println("eventwire failed unexpectedly: " + e + ". Exiting (1).");
            }
        }
        System.exit(exit);
    }

    /**
     * An unknown option or a missing value: one line naming it and where the options are listed, exit 2. As
     * every line {@code serve} writes for its operator, it is JSON with EVENTWIRE_LOG_FORMAT=json (picocli
     * printed the whole usage, 70 plain lines, into a log shipper expecting JSON).
     */
    private static int badCommandLine(CommandLine.ParameterException e, String[] args) {
        ServeOutput.fail(e.getMessage() + " (see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
        return 2;
    }

    /**
     * A value its option's range refuses, found as the command starts: the same one line and exit 2. Any
     * other failure is a defect: its trace goes to the log (one JSON line with EVENTWIRE_LOG_FORMAT=json, where
     * the command-line library printed plain lines a log shipper could not read), then one line, exit 1.
     */
    private static int badOptionValue(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        if (e instanceof BoundedOption.OptionValueException) {
            ServeOutput.fail(e.getMessage() + " (see: " + command.getCommandSpec().qualifiedName() + " --help)");
            return 2;
        }
        org.slf4j.LoggerFactory.getLogger(Main.class).error("unexpected failure of " + command.getCommandSpec().qualifiedName(), e);
        ServeOutput.fail(command.getCommandSpec().qualifiedName() + " failed unexpectedly: " + e.getMessage() + " (the log above has the trace). Exiting (1).");
        return 1;
    }

    /**
     * No command: a usage error, as for any command-line tool (a script that forgot the command must not
     * pass); one line, like every other refusal, so it is JSON with EVENTWIRE_LOG_FORMAT=json too.
     */
    @Override
    public Integer call() {
        ServeOutput.fail("a command is needed: serve, demo, bench, version or help (see: eventwire --help)");
        return 2;
    }
}
