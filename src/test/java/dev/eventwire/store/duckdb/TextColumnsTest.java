package dev.eventwire.store.duckdb;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextColumnsTest {

    @Test
    void columnsReadAsOneJoinedValueComeBackAsTheyWereStored() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (tenant VARCHAR NOT NULL, webhook_id VARCHAR NOT NULL, event_type VARCHAR NOT NULL, event_id VARCHAR NOT NULL)");
            st.execute("INSERT INTO t VALUES ('acme-eu_2', 'wh_01JABCDEFGHJKMNPQRSTVWXYZ0', 'order.paid', 'ord:2026-12-07.15 with spaces é')");
            try (ResultSet rs = st.executeQuery("SELECT " + TextColumns.joinedBytesOf("tenant", "webhook_id", "event_type", "event_id") + ", 42 FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(TextColumns.readJoined(rs, 1, 4))
                        .containsExactly("acme-eu_2", "wh_01JABCDEFGHJKMNPQRSTVWXYZ0", "order.paid", "ord:2026-12-07.15 with spaces é");
                assertThat(rs.getInt(2)).isEqualTo(42);
            }
        }
    }

    @Test
    void aRowWithFewerColumnsThanExpectedIsAnErrorNotAShiftedRow() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + TextColumns.joinedBytesOf("'a'", "NULL", "'c'"))) {
            assertThat(rs.next()).isTrue();
            assertThatThrownBy(() -> TextColumns.readJoined(rs, 1, 3)).isInstanceOf(SQLException.class).hasMessageContaining("expected 3");
        }
    }
}
