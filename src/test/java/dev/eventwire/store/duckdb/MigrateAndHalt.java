package dev.eventwire.store.duckdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A child process for the migration crash test: applies migrations up to a version, writes some rows
 * the later migrations must carry over, and dies like kill -9 (no close, no checkpoint).
 */
public final class MigrateAndHalt {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int upTo = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbDatabase.FILE_NAME).toAbsolutePath());
        Migrations.apply(c, upTo);
        try (Statement st = c.createStatement()) {
            if (upTo >= 2) {
                st.execute("INSERT INTO events VALUES (" + upTo + ", 't', 'e" + upTo + "', 'a.b', NULL, 1, 1, '{}')");
                st.execute("INSERT INTO webhooks (id, tenant, url, description, filters, secret, active, disabled_reason, deleted, created_us, updated_us)"
                        + " VALUES ('wh_" + upTo + "', 't', 'https://example.com', NULL, '{}', 'whsec_x', true, NULL, false, 1, 1)");
            }
        }
        System.out.println("migrated " + upTo);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
