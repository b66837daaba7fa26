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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), Map.of("EVENTWIRE_LOG_FORMAT", "json"))) {
            // a request that logs a warning on its way: none needed; the start and stop lines are enough
            assertThat(new ApiClient("http://127.0.0.1:" + serve.port(), null).get("/health").status()).isEqualTo(200);
            lines = serve.stopAndReadStderr();
        }
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode entry = MAPPER.readTree(line);
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.get("timestamp").isNumber()).as(line).isTrue();
            assertThat(entry.get("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(entry.get("loggerName").asText()).as(line).isNotEmpty();
            assertThat(entry.get("threadName").asText()).as(line).isNotEmpty();
            assertThat(entry.has("formattedMessage")).as(line).isTrue();
            assertThat(entry.get("throwable").isNull()).as(line).isTrue();
        }
        assertThat(lines).anySatisfy(l -> assertThat(MAPPER.readTree(l).get("formattedMessage").asText()).startsWith("Eventwire ").contains(" serving on 127.0.0.1:"));
        assertThat(lines).anySatisfy(l -> assertThat(MAPPER.readTree(l).get("formattedMessage").asText()).isEqualTo("Eventwire stopped"));
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
