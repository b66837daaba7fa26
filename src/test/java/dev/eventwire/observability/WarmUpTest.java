package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --warm-up}: the process runs traffic through a throwaway server before it listens, and
 * nothing of that traffic reaches the real store or stays on disk.
 */
class WarmUpTest {
    private static final String ADMIN_KEY = "ew_admin_log_test_0123456789";

    @TempDir
    Path dir;

    @Test
    void theWarmUpRunsBeforeListeningAndLeavesNothingBehind() throws Exception {
        long foldersBefore = warmUpFolders();
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), Map.of("EVENTWIRE_WARM_UP", "3s"))) {
            assertThat(serve.startLines()).anySatisfy(line -> assertThat(line).matches("Warmed up: [1-9]\\d* requests\\."));
            ApiClient admin = new ApiClient("http://127.0.0.1:" + serve.port(), ADMIN_KEY);
            assertThat(admin.get("/v1/admin/keys").json().get("keys")).as("the warm-up tenant's key lived in the throwaway store").isEmpty();
            assertThat(warmUpFolders()).as("the throwaway data folder is deleted").isEqualTo(foldersBefore);
        }
    }

    private static long warmUpFolders() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("eventwire-warm-up-")).count();
        }
    }
}
