package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each migration step is crash-safe: a process that applies migration steps up to one, writes rows and
 * dies without closing (replayed from DuckDB's write-ahead log at the next open) leaves a database that
 * the next start brings to the latest version with every row kept.
 */
class MigrationCrashTest {
    @TempDir
    Path dir;
    /** The output and temporary folder of the children, which die without removing their copy of DuckDB's native library; deleted with the test. */
    @TempDir
    Path logs;

    static java.util.stream.IntStream steps() {
        return java.util.stream.IntStream.rangeClosed(1, Migrations.STEPS.size());
    }

    @ParameterizedTest
    @MethodSource("steps")
    void killedRightAfterAMigrationStepTheNextStartFinishesTheUpgrade(int version) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + logs, "-cp", System.getProperty("java.class.path"),
                MigrateAndHalt.class.getName(), dir.toString(), Integer.toString(version))
                .redirectErrorStream(true).redirectOutput(Files.createTempFile(logs, "child", ".log").toFile()).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(Files.exists(dir.resolve(DuckDbDatabase.FILE_NAME + ".wal"))).as("died with work in the write-ahead log").isTrue();

        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            for (String file : List.of(DuckDbDatabase.FILE_NAME, DuckDbDatabase.DELIVERY_FILE_NAME)) {
                Path wal = dir.resolve(file + ".wal");
                assertThat(Files.exists(wal) ? Files.size(wal) : 0L).as("%s's replayed write-ahead log folded into the file at start", file).isZero();
            }
            database.read(c -> {
                try (Statement st = c.createStatement()) {
                    assertThat(Migrations.currentVersion(c)).isEqualTo(Migrations.FILES.size());
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
                        rs.next();
                        assertThat(rs.getLong(1)).isEqualTo(version >= 2 ? 1 : 0);
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM deliveries.main.delivery_queue")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("the pending delivery carried over to the delivery file").isEqualTo(version >= 4 ? 1 : 0);
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'store' AND table_name LIKE 'delivery%'")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("no delivery table left in the event log file").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*), count(previous_secret) FROM webhooks")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("the webhook row carried over").isEqualTo(version >= 2 ? 1 : 0);
                        assertThat(rs.getLong(2)).as("no previous secret yet").isZero();
                    }
                }
                return null;
            });
        }
        try (DuckDbDatabase again = DuckDbDatabase.open(dir)) {
            assertThat(again.read(Migrations::currentVersion)).as("a second start finds nothing left to do").isEqualTo(Migrations.FILES.size());
        }
    }
}
