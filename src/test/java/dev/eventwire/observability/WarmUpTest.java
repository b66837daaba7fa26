package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.store.postgres.DatabaseUrl;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --warm-up}: the process runs traffic through a throwaway server before it listens, and
 * nothing of that traffic reaches the real store or stays on disk; a replica on PostgreSQL warms up in a
 * schema of its own, which is gone once it listens.
 */
@ExtendWith(PostgresServer.class)
class WarmUpTest {
    private static final String ADMIN_KEY = "ew_admin_log_test_0123456789";

    @TempDir
    Path dir;

    @Test
    void theWarmUpRunsBeforeListeningAndLeavesNothingBehind() throws Exception {
        long foldersBefore = warmUpFolders();
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), Map.of("EVENTWIRE_WARM_UP", "3s"))) {
            String warmedUp = serve.startLines().stream().filter(line -> line.startsWith("Warmed up: ")).findFirst().orElseThrow();
            assertThat(warmedUp).matches("Warmed up: [1-9]\\d* requests in \\d+ s(\\.|; the compiler was still busy at the limit\\.)");
            long seconds = Long.parseLong(warmedUp.replaceAll(".* in (\\d+) s.*", "$1"));
            // The load stops at the first check (once a second) past three times the length; the throwaway
            // server's stop (in-flight requests, writers, its folder) comes on top (18 s in all
            // were seen on a machine starved by other processes).
            assertThat(seconds).as("at least the length asked for, at most three times it and the throwaway server's stop").isBetween(3L, 20L);
            ApiClient admin = new ApiClient("http://127.0.0.1:" + serve.port(), ADMIN_KEY);
            assertThat(admin.get("/v1/admin/keys").json().get("keys")).as("the warm-up tenant's key lived in the throwaway store").isEmpty();
            assertThat(warmUpFolders()).as("the throwaway data folder is deleted").isEqualTo(foldersBefore);
            // The throwaway servers' own lines read as the real server's: "serving on" ports nobody uses.
            assertThat(serve.logLines()).filteredOn(line -> line.contains("serving on")).singleElement().asString()
                    .contains("serving on 127.0.0.1:" + serve.port() + " ");
            assertThat(serve.logLines()).noneSatisfy(line -> assertThat(line).contains("eventwire-warm-up-"));
        }
    }

    @Test
    void aStopAskedForDuringTheWarmUpEndsItCleanlyWithoutServing() throws Exception {
        // Before, SIGTERM during a warm-up killed the process (exit 143) and left its throwaway folder behind.
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path stdout = dir.resolve("serve.stdout");
        Process serve = ServeProcess.launch(dir.resolve("data"), Map.of("EVENTWIRE_WARM_UP", "60s"), java.util.List.of("-Djava.io.tmpdir=" + tmp),
                ProcessBuilder.Redirect.to(stdout.toFile()), dir.resolve("serve.stderr"));
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(stdout).contains("Warming up") && System.nanoTime() < deadline) Thread.sleep(50);
            Thread.sleep(3_000); // into the first round: its throwaway server writes events and deliveries
            assertThat(warmUpFoldersIn(tmp)).as("the throwaway folder while warming up").isEqualTo(1);
            serve.destroy();
            assertThat(serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            java.util.List<String> lines = Files.readAllLines(stdout);
            assertThat(serve.exitValue()).isZero();
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Warm-up stopped after"))
                    .noneSatisfy(line -> assertThat(line).contains("listening on"));
            assertThat(warmUpFoldersIn(tmp)).as("the throwaway folder is deleted").isZero();
        } finally {
            serve.destroyForcibly();
        }
    }

    private static long warmUpFoldersIn(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("eventwire-warm-up-")).count();
        }
    }

    @Test
    void aReplicaOnPostgresqlWarmsUpInASchemaOfItsOwnAndDropsIt(PostgresServer.Handle postgres) throws Exception {
        String url = postgres.freshDatabase();
        Map<String, String> env = Map.of("EVENTWIRE_WARM_UP", "3s", "EVENTWIRE_DATABASE_URL", url, "EVENTWIRE_REPLICA_ID", "Replica-1");
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), env)) {
            assertThat(serve.startLines()).anySatisfy(line -> assertThat(line).contains("in schema eventwire_warm_up_replica_1"));
            assertThat(serve.startLines()).as("the listening line names the database, not a folder it does not use")
                    .anySatisfy(line -> assertThat(line).matches("Eventwire \\S+ listening on http://127\\.0\\.0\\.1:\\d+ \\(store: PostgreSQL at jdbc:postgresql://.*\\)"))
                    .noneSatisfy(line -> assertThat(line).contains("(data: "));
            assertThat(serve.startLines()).anySatisfy(line -> assertThat(line).matches("Warmed up: [1-9]\\d* requests in \\d+ s(\\.|; the compiler was still busy at the limit\\.)"));
            ApiClient admin = new ApiClient("http://127.0.0.1:" + serve.port(), ADMIN_KEY);
            assertThat(admin.get("/v1/admin/keys").json().get("keys")).as("the warm-up tenant's key lived in the warm-up schema").isEmpty();
            DatabaseUrl database = DatabaseUrl.parse(url);
            Properties credentials = new Properties();
            credentials.setProperty("user", database.user().orElseThrow());
            credentials.setProperty("password", database.password().orElseThrow());
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), credentials); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'eventwire_warm_up_%'")).as("warm-up schemas left").isZero();
                assertThat(count(st, "SELECT count(*) FROM events")).as("events in the real tables").isZero();
                assertThat(count(st, "SELECT count(*) FROM replicas")).as("the replica itself, registered in the real tables").isEqualTo(1);
            }
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long warmUpFolders() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("eventwire-warm-up-")).count();
        }
    }
}
