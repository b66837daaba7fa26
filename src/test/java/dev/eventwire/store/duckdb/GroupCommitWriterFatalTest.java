package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.support.CommitObserver;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once DuckDB has invalidated the database (after an I/O error such as a full disk), the writer says it
 * cannot write until the store is reopened — and keeps saying so when the failures after it read
 * differently (an appender that cannot be created on the invalidated database): the process's exit for a
 * restart depends on it. Seen from outside: the second failure, 13 ms after the first, hid the first, and
 * the server stayed up refusing every write instead of exiting to be restarted.
 */
class GroupCommitWriterFatalTest {
    @TempDir
    Path dir;

    @Test
    void anInvalidatedDatabaseStaysFatalWhateverTheNextFailureSays() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(database, "test-writer", 100, CommitObserver.NONE)) {
            writer.start();
            assertThatThrownBy(() -> writer.submit(c -> {
                throw new SQLException("FATAL Error: Failed to commit: database has been invalidated because of a previous fatal error");
            }).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(writer.problem()).hasValueSatisfying(p -> assertThat(p.fatal()).isTrue());

            assertThatThrownBy(() -> writer.submit(c -> {
                throw new SQLException("Appender error, catalog: 'store', schema: 'main', table: 'events', message: duckdb_appender_create_ext error");
            }).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(writer.problem()).as("still fatal, with the reason that made it so").hasValueSatisfying(p -> {
                assertThat(p.fatal()).isTrue();
                assertThat(p.reason()).contains("invalidated");
            });
        }
    }
}
