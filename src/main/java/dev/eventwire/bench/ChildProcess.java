package dev.eventwire.bench;

import dev.eventwire.cli.ServerHeap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Another JVM running this jar ({@code serve}, {@code receive}), so a benchmark measures the server from
 * outside: its own process, its own heap and threads, signals sent as an operator would (SIGSTOP, SIGCONT,
 * SIGKILL). Each line the child prints goes to a consumer.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Thread pump;

    /**
     * Stops the child when this process exits before closing it (a bench or demo stopped with Ctrl-C or
     * SIGTERM): a server child reads nothing from this process and would otherwise run on, orphaned.
     */
    private final Thread stopAtExit;

    private ChildProcess(Process process, Consumer<String> lines) {
        this.process = process;
        this.stopAtExit = Thread.ofPlatform().name("eventwire-stop-child-" + process.pid()).unstarted(this::stopAtExit);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        this.pump = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) lines.accept(line);
            } catch (IOException ignored) {
                // the child ended
            }
        });
    }

    /** Starts {@code java -cp <this classpath> dev.eventwire.cli.Main args...} with extra environment; stderr goes to the given file. */
    public static ChildProcess start(List<String> args, Map<String, String> env, Path stderr, Consumer<String> lines) {
        return start(List.of(), args, env, stderr, lines);
    }

    /**
     * The same with JVM options before the class name (a heap cap, for instance). The child gets this
     * process's class path: the jar under {@code ./eventwire}, the build's classes under the test suite. A
     * {@code serve} child without a heap cap of its own gets the launcher's fixed heap ({@code EVENTWIRE_HEAP}
     * from {@code env} or this process's environment).
     */
    public static ChildProcess start(List<String> jvmOptions, List<String> args, Map<String, String> env, Path stderr, Consumer<String> lines) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:ThreadPriorityPolicy=1"); // as the launcher does (docs/jvm-flags.md)
        command.add("-XX:MaxGCPauseMillis=20");
        boolean ownHeap = jvmOptions.stream().anyMatch(o -> o.startsWith("-Xmx"));
        if (!args.isEmpty() && args.get(0).equals("serve") && !ownHeap) {
            // A server gets the heap the launcher gives it: fixed and touched at start.
            command.addAll(ServerHeap.jvmFlags(env.getOrDefault(ServerHeap.VARIABLE, System.getenv(ServerHeap.VARIABLE))));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.eventwire.cli.Main");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        try {
            return new ChildProcess(builder.start(), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port free right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code once the process has ended, empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    public void writeLine(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** kill -9, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (a graceful stop), waiting up to a minute. */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) kill();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
        pump.interrupt();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or about to: it finds the child gone
        }
    }

    /** SIGTERM, five seconds to stop, then SIGKILL: whatever it was doing is thrown away with the run. */
    private void stopAtExit() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
