package dev.eventwire.store.postgres;

import dev.eventwire.support.StoreConfigurationException;
import dev.eventwire.support.StoreUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Checks at start that the database user may do what serving needs: read and write every table of the
 * schema and draw from its sequences. A user the tables were not granted to (the common setup where an
 * owner role migrates and the service runs as another) used to fail at its first write during the start,
 * which reads as a passing problem: exit 75, and a supervisor restarting it for ever. Found here it is the
 * configuration's: one line naming what is missing, exit 2. The schema history table is left out: it is
 * only written by a migration, which the owner may run.
 */
final class PgPrivileges {
    private static final List<String> TABLE_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    private PgPrivileges() {
    }

    static void require(DataSource pool, DatabaseUrl url) {
        List<String> tables = new ArrayList<>();
        Set<String> lacked = new LinkedHashSet<>();
        List<String> sequences = new ArrayList<>();
        String user;
        String schema;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_user, current_schema()")) {
                rs.next();
                user = rs.getString(1);
                schema = rs.getString(2);
            }
            try (ResultSet rs = st.executeQuery("""
                    SELECT c.relname, c.relkind = 'S',
                           c.relkind = 'S' AND NOT has_sequence_privilege(c.oid, 'USAGE'),
                           c.relkind <> 'S' AND NOT has_table_privilege(c.oid, 'SELECT'),
                           c.relkind <> 'S' AND NOT has_table_privilege(c.oid, 'INSERT'),
                           c.relkind <> 'S' AND NOT has_table_privilege(c.oid, 'UPDATE'),
                           c.relkind <> 'S' AND NOT has_table_privilege(c.oid, 'DELETE')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S') AND c.relname <> 'schema_version'
                    ORDER BY c.relkind = 'S', c.relname""")) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        if (rs.getBoolean(3)) sequences.add(rs.getString(1));
                        continue;
                    }
                    boolean lacks = false;
                    for (int i = 0; i < TABLE_PRIVILEGES.size(); i++) {
                        if (rs.getBoolean(4 + i)) {
                            lacked.add(TABLE_PRIVILEGES.get(i));
                            lacks = true;
                        }
                    }
                    if (lacks) tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot check the database user's privileges at " + url.redacted() + ": "
                    + url.scrub(PgDatabase.why(e)) + " (it may pass: start again later)", e);
        }
        if (tables.isEmpty() && sequences.isEmpty()) return;
        // What this user lacks, not the whole list: a user granted SELECT was told it lacked SELECT too.
        List<String> missing = new ArrayList<>();
        if (!tables.isEmpty()) {
            List<String> inOrder = TABLE_PRIVILEGES.stream().filter(lacked::contains).toList();
            missing.add(String.join(", ", inOrder) + " on " + named(tables, "table"));
        }
        if (!sequences.isEmpty()) missing.add("USAGE on " + named(sequences, "sequence"));
        throw new StoreConfigurationException("the database user " + user + " at " + url.redactedAddress() + " lacks " + String.join(" and ", missing)
                + "; grant them (" + grants(user, schema) + ")", null);
    }

    /** The statements that give {@code user} what serving needs in {@code schema}. */
    static String grants(String user, String schema) {
        return "GRANT " + String.join(", ", TABLE_PRIVILEGES) + " ON ALL TABLES IN SCHEMA " + schema + " TO " + user
                + "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + user;
    }

    /** Whether the database refused {@code e}'s statement for want of a privilege. */
    static boolean lacksPrivilege(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && "42501".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    private static String named(List<String> names, String kind) {
        return names.size() == 1 ? kind + " " + names.get(0) : names.size() + " " + kind + "s (" + String.join(", ", names) + ")";
    }
}
