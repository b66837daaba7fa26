package dev.eventwire.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code eventwire <args>} as its own process, as a user would, and keeps what it printed. */
final class CliProcess {
    private CliProcess() {
    }

    record Result(int exit, List<String> lines) {
    }

    /** Run in {@code dir}: the exit code (-1 if it was still running after 30 s and had to be stopped) and the lines it printed. */
    static Result run(Path dir, List<String> args, Map<String, String> env) throws Exception {
        // Most runs are refusals that end within a second or two: a JVM that only compiles quickly and keeps a
        // small collector starts in about two thirds of the time (1.06 against 1.76 s a run here), which over
        // the option tests' seventy-odd runs is most of a minute of the suite. What the command does is the same.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.directory(dir.toFile());
        Path out = Files.createTempFile(dir, "out", ".txt");
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        Process process = builder.start();
        // A value wrongly accepted starts a server or a run: it is stopped rather than waited for.
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        process.destroyForcibly().waitFor();
        return new Result(ended ? process.exitValue() : -1, Files.readAllLines(out));
    }
}
