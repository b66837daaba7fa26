package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database file is written in small row groups, so a checkpoint rewrites little of each table; DuckDB
 * works on half the cores, leaving the rest to the server's own threads.
 */
class DuckDbDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void duckDbRunsOnHalfTheCoresAndAtLeastOne() {
        assertThat(DuckDbDatabase.workerThreads(1)).isEqualTo(1);
        assertThat(DuckDbDatabase.workerThreads(2)).isEqualTo(1);
        assertThat(DuckDbDatabase.workerThreads(3)).isEqualTo(1);
        assertThat(DuckDbDatabase.workerThreads(8)).isEqualTo(4);
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            assertThat(threads(database)).as("DuckDB's threads on this machine").isEqualTo(DuckDbDatabase.workerThreads(Runtime.getRuntime().availableProcessors()));
        }
    }

    @Test
    void aBackupLeavesDuckDbOnHalfTheCores() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir.resolve("data"))) {
            assertThat(database.copyInto(Files.createDirectories(dir.resolve("backup")))).hasSize(2);
            assertThat(threads(database)).isEqualTo(DuckDbDatabase.workerThreads(Runtime.getRuntime().availableProcessors()));
        }
    }

    private static long threads(DuckDbDatabase database) {
        return database.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('threads')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void rowsGoIntoRowGroupsOfAtMost16384AndStayReadableAfterAReopen() {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            database.read(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO rejected_events SELECT range, 't', 0, 'code', 'message', NULL, '{}' FROM range(50000)");
                    st.execute("CHECKPOINT");
                }
                return null;
            });
        }
        try (DuckDbDatabase again = DuckDbDatabase.open(dir)) {
            again.read(c -> {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(DISTINCT row_group_id), max(count) FROM pragma_storage_info('rejected_events')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("row groups").isEqualTo(4);
                    assertThat(rs.getLong(2)).as("rows in the largest").isEqualTo(16_384);
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM rejected_events")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(50_000);
                }
                return null;
            });
        }
    }
}
