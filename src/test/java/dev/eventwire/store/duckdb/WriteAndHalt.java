package dev.eventwire.store.duckdb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A child process for the full-disk start test: opens the data folder, commits rows in many small
 * transactions (each in DuckDB's write-ahead log, none checkpointed) and dies like kill -9, leaving the
 * log to be replayed.
 */
public final class WriteAndHalt {
    public static void main(String[] args) throws Exception {
        DuckDbDatabase database = DuckDbDatabase.open(Path.of(args[0]));
        Connection c = database.newWriteConnection();
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < 200; i++) {
                st.execute("INSERT INTO fan_out_sets VALUES (" + (1_000 + i) + ", '" + "wh_x,".repeat(200) + "wh_" + i + "')");
            }
        }
        System.out.println("written");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
