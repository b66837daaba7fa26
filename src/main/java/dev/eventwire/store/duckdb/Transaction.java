package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Explicit transactions on a connection that stays in auto-commit mode: {@code BEGIN}, {@code COMMIT} and
 * {@code ROLLBACK} as statements, so the database's own state is the only state.
 *
 * <p>Why not the JDBC way ({@code setAutoCommit(false)}, {@code commit()}): the DuckDB driver notes that its
 * transaction ended only when {@code COMMIT} succeeds. After a {@code COMMIT} that failed — a full disk — the
 * database had ended the transaction but the driver believed it open, so it began none for the statements
 * that followed: each committed on its own, and every later commit failed with "no transaction is active".
 * A writer in that state wrote the same delivery rows again at every retry of its failing groups (millions of
 * rows from thousands of deliveries, until the disk was full again) and never recovered.
 */
final class Transaction {
    private Transaction() {
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    static <T> T run(Connection connection, SqlWork<T> work) throws SQLException {
        begin(connection);
        T result;
        try {
            result = work.run(connection);
            commit(connection);
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        }
        return result;
    }

    private static void begin(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try {
                st.execute("BEGIN TRANSACTION");
            } catch (SQLException stillOpen) {
                // One left open by a failure whose rollback failed too: end it, then begin afresh.
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // nothing was open after all; the second BEGIN says what is wrong
                }
                st.execute("BEGIN TRANSACTION");
            }
        }
    }

    private static void commit(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("COMMIT");
        }
    }

    /** Rolls back after {@code cause}; a transaction the database already ended (a failed commit) is not an error. */
    private static void rollback(Connection connection, Exception cause) {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("no transaction is active")) cause.addSuppressed(e);
        }
    }
}
