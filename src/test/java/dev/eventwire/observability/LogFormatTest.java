package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventwire.support.ApiClient;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EVENTWIRE_LOG_FORMAT: text by default, one JSON object per line with json, as the real server logs. */
class LogFormatTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
        List<String> lines;
        List<String> stdout;
        // No admin key given: the line saying where the generated one went is on stdout too.
        // Given as "./data" is: its paths are shown without the "./" (they read /srv/./data/admin.key).
        try (ServeProcess serve = ServeProcess.start(dir.resolve("./data"), Map.of("EVENTWIRE_LOG_FORMAT", "json", "EVENTWIRE_ADMIN_KEY", ""))) {
            // a request that logs a warning on its way: none needed; the start and stop lines are enough
            assertThat(new ApiClient("http://127.0.0.1:" + serve.port(), null).get("/health").status()).isEqualTo(200);
            lines = serve.stopAndReadStderr();
            stdout = serve.stdoutLines();
        }
        assertThat(lines).isNotEmpty();
        for (String line : lines) assertLogLine(line, "INFO", "WARN");
        assertThat(lines).anySatisfy(l -> assertThat(message(l)).startsWith("Eventwire ").contains(" serving on 127.0.0.1:"));
        assertThat(lines).anySatisfy(l -> assertThat(message(l)).isEqualTo("Eventwire stopped"));
        // What serve says to whoever runs it stays on stdout, in the same shape.
        for (String line : stdout) assertLogLine(line, "INFO");
        String folder = dir.toAbsolutePath().resolve("data").toString();
        assertThat(stdout).extracting(LogFormatTest::message).contains("Generated the admin key into " + folder + "/admin.key (mode 0600).")
                .anyMatch(m -> m.matches("Eventwire \\S+ listening on http://127\\.0\\.0\\.1:\\d+ \\(data: \\Q" + folder + "\\E\\)"))
                .contains("Stopping: draining requests and deliveries...", "Stopped.");
    }

    /**
     * A start that fails says why in one JSON line on stderr, as an ERROR; nothing on stdout. Text mode keeps
     * these lines plain (ServeOptionRangesTest, TakenPortTest).
     */
    @Test
    void jsonFormatMakesTheLineOfAFailedStartJsonToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run run = serve(Map.of("EVENTWIRE_LOG_FORMAT", "json"), "--port", String.valueOf(taken.getLocalPort()));
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderr()).hasSize(1);
            assertLogLine(run.stderr().getFirst(), "ERROR");
            assertThat(message(run.stderr().getFirst())).isEqualTo("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
        Run badOption = serve(Map.of("EVENTWIRE_LOG_FORMAT", "json"), "--port", "0", "--retention", "30m");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.stderr()).singleElement().satisfies(l -> assertLogLine(l, "ERROR"))
                .satisfies(l -> assertThat(message(l)).startsWith("--retention (or EVENTWIRE_RETENTION) must be"));

        // An option picocli cannot read: it printed its whole usage, 70 plain lines, before.
        Run unknown = serve(Map.of("EVENTWIRE_LOG_FORMAT", "json"), "--nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stdout()).isEmpty();
        assertThat(unknown.stderr()).singleElement().satisfies(l -> assertLogLine(l, "ERROR"))
                .satisfies(l -> assertThat(message(l)).isEqualTo("Unknown option: '--nope' (see: eventwire serve --help)"));
        Run missing = serve(Map.of(), "--port");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).containsExactly("eventwire: Missing required parameter for option '--port' (<port>) (see: eventwire serve --help)");

        // Owner-only, as Eventwire makes its data folder: the refusal is then the only line.
        Files.createDirectory(dir.resolve("data"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Files.writeString(dir.resolve("data").resolve("eventwire.duckdb"), "x".repeat(10_000));
        Run damaged = serve(Map.of("EVENTWIRE_LOG_FORMAT", "json", "EVENTWIRE_ADMIN_KEY", "ew_admin_log_test_0123456789"), "--port", "0");
        assertThat(damaged.exit()).isEqualTo(75);
        assertThat(damaged.stderr()).singleElement().satisfies(l -> assertLogLine(l, "ERROR"))
                .satisfies(l -> assertThat(message(l)).startsWith("cannot start: cannot open the store in ").endsWith("Exiting (75)."));
    }

    /** One log line in the shape of every JSON line, at one of {@code levels}, with no exception. */
    static void assertLogLine(String line, String... levels) throws Exception {
        JsonNode entry = MAPPER.readTree(line);
        assertThat(entry.isObject()).as(line).isTrue();
        assertThat(entry.get("timestamp").isNumber()).as(line).isTrue();
        assertThat(entry.get("level").asText()).as(line).isIn((Object[]) levels);
        assertThat(entry.get("loggerName").asText()).as(line).isNotEmpty();
        assertThat(entry.get("threadName").asText()).as(line).isNotEmpty();
        assertThat(entry.has("formattedMessage")).as(line).isTrue();
        assertThat(entry.get("throwable").isNull()).as(line).isTrue();
        List<String> names = new java.util.ArrayList<>();
        entry.fieldNames().forEachRemaining(names::add);
        assertThat(names).as(line).containsExactly("timestamp", "level", "threadName", "loggerName", "formattedMessage", "throwable");
    }

    private static String message(String line) {
        try {
            return MAPPER.readTree(line).get("formattedMessage").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Run serve(Map<String, String> env, String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main",
                "serve", "--host", "127.0.0.1", "--data", dir.resolve("data").toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        Process process = builder.start();
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        process.destroyForcibly().waitFor();
        return new Run(ended ? process.exitValue() : -1, Files.readAllLines(dir.resolve("stdout.txt")), Files.readAllLines(dir.resolve("stderr.txt")));
    }

    private record Run(int exit, List<String> stdout, List<String> stderr) {
    }

    @Test
    void textIsTheDefault() throws Exception {
        List<String> lines;
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), Map.of())) {
            lines = serve.stopAndReadStderr();
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})"
                + " \\[main] INFO dev\\.eventwire\\.App - Eventwire .* serving on 127\\.0\\.0\\.1:\\d+ with duckdb \\(data in .*\\)"));
        assertThat(lines).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void anotherFormatIsRefusedAtStart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main", "serve", "--data", dir.toString());
        builder.environment().put("EVENTWIRE_LOG_FORMAT", "xml");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("EVENTWIRE_LOG_FORMAT must be text or json (got 'xml')");
    }

    /** An exception goes into the same line, as a nested object: a stack trace never spans lines. */
    @Test
    @SuppressWarnings("unchecked")
    void anExceptionStaysInItsLine() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what slf4j's binding gives the default context
        context.putProperty("EVENTWIRE_LOG_FORMAT", "json");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            // The configured appender, with its encoder as logback.xml sets it up, writing here instead of to stderr.
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            ((OutputStreamAppender<ILoggingEvent>) root.getAppender("json")).setOutputStream(captured);
            context.getLogger("dev.eventwire.Example").error("delivery poll failed for {}", "wh_1", new IllegalStateException("boom\nsecond line"));
        } finally {
            context.stop();
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode entry = MAPPER.readTree(lines.getFirst());
        assertThat(entry.get("level").asText()).isEqualTo("ERROR");
        assertThat(entry.get("loggerName").asText()).isEqualTo("dev.eventwire.Example");
        assertThat(entry.get("formattedMessage").asText()).isEqualTo("delivery poll failed for wh_1");
        assertThat(entry.at("/throwable/className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(entry.at("/throwable/message").asText()).isEqualTo("boom\nsecond line");
    }
}
