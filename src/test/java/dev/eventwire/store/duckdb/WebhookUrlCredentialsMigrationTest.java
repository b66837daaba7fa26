package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook URLs stored before credentials were refused in them (by an older build) lose their
 * {@code user:password@} when this build first opens the folder: they were shown in every listing and
 * never sent.
 */
class WebhookUrlCredentialsMigrationTest {
    @TempDir
    Path dir;

    @Test
    void credentialsInStoredUrlsAreRemovedAndNothingElseChanges() throws Exception {
        DuckDbDatabase.open(dir).close();
        Path file = dir.resolve("eventwire.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement()) {
            // As an older build left it: the rows, and the folder at the version before this step.
            String[][] urls = {{"wh_1", "http://alice:Pa55word@127.0.0.1:18090/cred"}, {"wh_2", "https://token@hooks.example.com/x?at=a@b"},
                    {"wh_3", "https://hooks.example.com/path@v2?q=1"}};
            for (String[] u : urls) {
                st.execute("INSERT INTO webhooks (id, tenant, url, filters, secret, active, deleted, created_us, updated_us) VALUES ('"
                        + u[0] + "', 'acme', '" + u[1] + "', '{}', 'whsec_x', true, false, 0, 0)");
            }
            // This step and every later one (which run again at the next open, as they would after this one).
            st.execute("DELETE FROM schema_version WHERE version >= 14");
        }
        DuckDbDatabase.open(dir).close();
        List<String> after = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT url FROM webhooks ORDER BY id")) {
            while (rs.next()) after.add(rs.getString(1));
        }
        assertThat(after).containsExactly("http://127.0.0.1:18090/cred", "https://hooks.example.com/x?at=a@b", "https://hooks.example.com/path@v2?q=1");
    }
}
