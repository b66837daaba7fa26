package dev.eventwire.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code eventwire serve} in a JVM of its own (this test run's classpath), on a loopback port it picks itself. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;
    private final List<String> startLines;

    private ServeProcess(Process process, Path stdout, Path stderr, int port, List<String> startLines) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
        this.startLines = startLines;
    }

    /** Every line the process wrote on standard error (its log, in text) so far. */
    List<String> logLines() throws IOException {
        return Files.readAllLines(stderr);
    }

    /** What the process printed on stdout up to its "listening" line. */
    List<String> startLines() {
        return startLines;
    }

    /** Starts {@code serve} with extra environment and waits for its "listening" line (or its exit). */
    static ServeProcess start(Path dataDir, Map<String, String> env) throws IOException, InterruptedException {
        Path stdout = dataDir.resolveSibling(dataDir.getFileName() + ".stdout");
        Path stderr = dataDir.resolveSibling(dataDir.getFileName() + ".stderr");
        // Into a file rather than a pipe: a pipe's last lines can be lost to a reader still reading when the child exits.
        Process process = launch(dataDir, env, List.of(), ProcessBuilder.Redirect.to(stdout.toFile()), stderr);
        while (true) {
            boolean ended = !process.isAlive();
            List<String> lines = Files.readAllLines(stdout);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LISTENING.matcher(message(lines.get(i)));
                if (m.find()) return new ServeProcess(process, stdout, stderr, Integer.parseInt(m.group(1)), List.copyOf(lines.subList(0, i + 1)));
            }
            if (ended) throw new IllegalStateException("serve ended before listening: " + Files.readString(stderr));
            Thread.sleep(50);
        }
    }

    /**
     * Starts {@code serve} without waiting for anything; {@code jvmOptions} go before the class (e.g. a
     * temporary folder of the test's own); standard output goes to {@code stdout}, standard error to {@code stderr}.
     */
    static Process launch(Path dataDir, Map<String, String> env, List<String> jvmOptions, ProcessBuilder.Redirect stdout, Path stderr) throws IOException {
        return launch(List.of(), dataDir, env, jvmOptions, stdout, stderr);
    }

    /** As above, the command run by {@code wrapper} (e.g. a shell that lowers a limit first, then runs it with exec). */
    static Process launch(List<String> wrapper, Path dataDir, Map<String, String> env, List<String> jvmOptions, ProcessBuilder.Redirect stdout,
                          Path stderr) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main",
                "serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("EVENTWIRE_ADMIN_KEY", "ew_admin_log_test_0123456789");
        builder.environment().putAll(env);
        builder.redirectOutput(stdout);
        builder.redirectError(stderr.toFile());
        return builder.start();
    }

    /** The line's text: with EVENTWIRE_LOG_FORMAT=json, the message of its JSON object (which escapes the URL's slashes). */
    private static String message(String line) throws IOException {
        return line.startsWith("{") ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("formattedMessage").asText() : line;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, as an operator stops it; waits for the exit and returns what it wrote to standard error. */
    List<String> stopAndReadStderr() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("serve did not stop");
        return new ArrayList<>(Files.readAllLines(stderr));
    }

    /** Everything the process printed on stdout (all of it once it has stopped). */
    List<String> stdoutLines() throws IOException {
        return Files.readAllLines(stdout);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
