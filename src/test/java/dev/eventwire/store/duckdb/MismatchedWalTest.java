package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder copied while the server ran can hold a database file and a write-ahead log from different
 * moments. The start refuses it in words an operator can act on, not only in DuckDB's ("the WAL was
 * created for a newer version of this database"), which reads like a version problem.
 */
class MismatchedWalTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseFileAndALogFromDifferentMomentsAreRefusedWithTheReason() throws Exception {
        Path live = Files.createDirectory(dir.resolve("live"));
        Path copy = Files.createDirectory(dir.resolve("copy"));
        Path file = live.resolve("eventwire.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA disable_checkpoint_on_shutdown");
            st.execute("CREATE TABLE t (x INTEGER)");
            st.execute("INSERT INTO t VALUES (1)");
            st.execute("CHECKPOINT");
            // The copy takes the file here...
            Files.copy(file, copy.resolve("eventwire.duckdb"));
            st.execute("INSERT INTO t VALUES (2)");
            st.execute("CHECKPOINT");
            st.execute("INSERT INTO t VALUES (3)");
            // ...and the log a checkpoint later.
            Files.copy(live.resolve("eventwire.duckdb.wal"), copy.resolve("eventwire.duckdb.wal"), StandardCopyOption.REPLACE_EXISTING);
        }
        assertRefusedForGood(copy);
    }

    /**
     * The other order: the log taken first, the file a checkpoint later (DuckDB then names no file and says the
     * log was "created for an older version of this database"). It exited 75, and a supervisor restarted it for
     * ever. The delivery file is checked alike.
     */
    @Test
    void aLogOlderThanItsFileIsRefusedWithTheReasonForEitherFile() throws Exception {
        for (String name : new String[]{"eventwire.duckdb", "deliveries.duckdb"}) {
            Path live = Files.createDirectory(dir.resolve("live-" + name));
            Path copy = Files.createDirectory(dir.resolve("copy-" + name));
            Path file = live.resolve(name);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement()) {
                st.execute("PRAGMA disable_checkpoint_on_shutdown");
                st.execute("CREATE TABLE t (x INTEGER)");
                st.execute("CHECKPOINT");
                st.execute("INSERT INTO t VALUES (1)");
                // The copy takes the log here...
                Files.copy(live.resolve(name + ".wal"), copy.resolve(name + ".wal"));
                st.execute("CHECKPOINT");
                // ...and the file a checkpoint later.
                Files.copy(file, copy.resolve(name));
            }
            assertThatThrownBy(() -> DuckDbDatabase.open(copy).close()).as(name)
                    .isInstanceOf(dev.eventwire.support.StoreConfigurationException.class)
                    .hasMessageContaining(name + " and " + name + ".wal are from different moments")
                    .hasMessageContaining("copied while the server was running");
        }
    }

    /** A backup's files copied over a running server's folder: the file is the backup's, the log the server's. */
    @Test
    void aLogOfAnotherDatabaseIsRefusedWithTheReason() throws Exception {
        Path server = Files.createDirectory(dir.resolve("server"));
        Path backup = Files.createDirectory(dir.resolve("backup"));
        for (Path folder : new Path[]{server, backup}) {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + folder.resolve("eventwire.duckdb")); Statement st = c.createStatement()) {
                st.execute("PRAGMA disable_checkpoint_on_shutdown");
                st.execute("CREATE TABLE t (x INTEGER)");
                st.execute("CHECKPOINT");
                st.execute("INSERT INTO t VALUES (1)");
            }
        }
        Files.copy(backup.resolve("eventwire.duckdb"), server.resolve("eventwire.duckdb"), StandardCopyOption.REPLACE_EXISTING);
        assertRefusedForGood(server);
    }

    /** Exit 2, not 75: no restart makes the two agree, and a supervisor restarted it for ever. */
    private static void assertRefusedForGood(Path folder) {
        assertThatThrownBy(() -> DuckDbDatabase.open(folder).close())
                .isInstanceOf(dev.eventwire.support.StoreConfigurationException.class)
                .hasMessageContaining("eventwire.duckdb and eventwire.duckdb.wal are from different moments")
                .hasMessageContaining("copied while the server was running");
    }
}
