package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launcher script's own refusals, before any Java runs: with EVENTWIRE_LOG_FORMAT=json they are log
 * lines of the server's shape (a shipper reading the streams met a plain line there), otherwise the plain
 * line. A wrong heap size is refused before the launcher looks for a JDK or builds anything.
 */
class LauncherRefusalTest {
    private static final String HEAP_REFUSAL = "EVENTWIRE_HEAP must be a size such as 512m or 2g, at least 256m (got '100m')";

    private static SeparateStreams.Run launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", Path.of("eventwire").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("EVENTWIRE_LOG_FORMAT");
        builder.environment().putAll(env);
        return SeparateStreams.run(builder);
    }

    @Test
    void aHeapRefusalIsOneJsonLogLineInJsonMode() throws Exception {
        SeparateStreams.Run run = launcher(Map.of("EVENTWIRE_HEAP", "100m", "EVENTWIRE_LOG_FORMAT", "json"), "serve");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().lines().toList()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(run.stderr().lines().toList().get(0));
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("loggerName").asText()).isEqualTo("eventwire.stderr");
        assertThat(line.get("formattedMessage").asText()).isEqualTo(HEAP_REFUSAL);
        assertThat(line.get("timestamp").asLong()).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1_000);
    }

    @Test
    void aHeapRefusalIsOnePlainLineOtherwise() throws Exception {
        SeparateStreams.Run run = launcher(Map.of("EVENTWIRE_HEAP", "100m"), "serve");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).containsExactly("eventwire: " + HEAP_REFUSAL);
    }

    @Test
    void aHeapTheMachineCannotHoldIsRefusedNamingWhatItHolds() throws Exception {
        // Touched whole at start, such a heap would swap or be killed before the server answered.
        SeparateStreams.Run run = launcher(Map.of("EVENTWIRE_HEAP", "99999999g"), "serve");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).singleElement().asString()
                .matches("eventwire: EVENTWIRE_HEAP must be less than this machine's memory, [0-9]+ MiB \\(got '99999999g'\\)");
    }
}
