package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventwire.ServeConfig;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} pointed at a database it cannot use says why in one line: exit 2 when the configuration is
 * wrong (a supervisor should not retry), 75 when the reason may pass (a supervisor starts it again).
 */
@ExtendWith(PostgresServer.class)
class BadDatabaseConfigTest {
    private final PostgresServer.Handle postgres;
    @TempDir
    Path dir;

    BadDatabaseConfigTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    record Run(int exit, String output) {
    }

    Run serve(String databaseUrl) throws Exception {
        return serve(databaseUrl, java.util.Map.of());
    }

    Run serve(String databaseUrl, java.util.Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.eventwire.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("d").toString(),
                "--database-url", databaseUrl).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    static void assertOneClearLine(Run run) {
        assertOneClearLine(run, 2);
    }

    static void assertOneClearLine(Run run, int exit) {
        assertThat(run.exit()).as(run.output()).isEqualTo(exit);
        assertThat(run.output()).contains("eventwire: cannot start:").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void anUnreachableDatabase() throws Exception {
        Run run = serve("postgresql://eventwire:s3cret@127.0.0.1:1/events");
        assertOneClearLine(run, 75);
        assertThat(run.output()).contains("cannot connect to the database at jdbc:postgresql://127.0.0.1:1/events").doesNotContain("s3cret");
        assertThat(dir.resolve("d")).as("no admin key generated for a start that did not happen").doesNotExist();
    }

    @Test
    void aHostNameThatDoesNotResolve() throws Exception {
        Run run = serve("postgresql://eventwire:s3cret@not-a-host.invalid:5432/events");
        assertOneClearLine(run);
        assertThat(run.output()).contains("the host name not-a-host.invalid does not resolve").doesNotContain("s3cret");
        assertThat(run.output().strip().lines()).as("one line: the pool's own start line was shown before it").hasSize(1);
        assertThat(dir.resolve("d")).as("no admin key generated for a start that did not happen").doesNotExist();
    }

    @Test
    void aDatabaseThatAcceptsConnectionsButNeverAnswers() throws Exception {
        // A hung server, or a path that drops packets after the handshake: the start once waited for ever.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            long started = System.nanoTime();
            Run run = serve("postgresql://eventwire:s3cret@127.0.0.1:" + silent.getLocalPort() + "/events");
            assertOneClearLine(run, 75);
            assertThat(run.output()).contains("cannot connect to the database at jdbc:postgresql://127.0.0.1:" + silent.getLocalPort());
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("how long the start waited").isLessThan(java.time.Duration.ofSeconds(30));
            acceptor.interrupt();
        }
    }

    /**
     * A database that asks for a password the URL does not give (a URL written without one, counting on
     * PGPASSWORD, which the driver does not read) is the configuration's fault: it exited 75, and a supervisor
     * started it again for ever. The server here answers as PostgreSQL does: no TLS, then "send a password".
     */
    @Test
    void aDatabaseAskingForAPasswordTheUrlDoesNotGiveIsTheConfigurationsFault() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        try (java.net.Socket client = server.accept()) {
                            java.io.DataInputStream in = new java.io.DataInputStream(client.getInputStream());
                            java.io.DataOutputStream out = new java.io.DataOutputStream(client.getOutputStream());
                            while (true) {
                                int length = in.readInt();
                                int code = in.readInt();
                                in.skipNBytes(length - 8);
                                if (code == 80877103) { // an SSLRequest: no TLS here
                                    out.writeByte('N');
                                } else { // the startup message: AuthenticationCleartextPassword
                                    out.writeByte('R');
                                    out.writeInt(8);
                                    out.writeInt(3);
                                }
                                out.flush();
                            }
                        } catch (java.io.IOException clientGone) {
                            // next connection
                        }
                    }
                } catch (RuntimeException ignored) {
                    // the test is over
                }
            });
            Run run = serve("postgresql://eventwire@127.0.0.1:" + server.getLocalPort() + "/events");
            assertOneClearLine(run);
            assertThat(run.output()).contains("no password was provided");
        }
    }

    @Test
    void aDatabaseWithNoConnectionSlotLeftIsAPassingReason() throws Exception {
        // Before, exit 2: a supervisor that does not retry 2 left the replica down after a passing shortage.
        String url = postgres.freshDatabase();
        String jdbc = url.replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'full') THEN"
                    + " CREATE ROLE \"full\" LOGIN PASSWORD 'full' CONNECTION LIMIT 0; END IF; END $$");
        }
        Run run = serve(url.replace("postgres:postgres@", "full:full@"));
        assertOneClearLine(run, 75);
        assertThat(run.output()).contains("too many connections").contains("start again later");
    }

    /** Runs {@code sql} as the database's superuser. */
    private static void asOwner(String url, String... sql) throws Exception {
        String jdbc = url.replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement st = c.createStatement()) {
            for (String statement : sql) st.execute(statement);
        }
    }

    /** A login role {@code name} (password the same), created once for the whole server. */
    private static String role(String name) {
        return "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN"
                + " CREATE ROLE " + name + " LOGIN PASSWORD '" + name + "'; END IF; END $$";
    }

    /** A database the owner migrated by starting Eventwire on it once, as a DBA does before handing it to the service's user. */
    private String migratedDatabase() {
        String url = postgres.freshDatabase();
        TestServer.start(dir.resolve("owner"), c -> c.withStorage(new ServeConfig.Storage(Optional.of(url), "owner")), Clock.systemUTC()).close();
        return url;
    }

    @Test
    void aUserWhoMayNotReadTheTablesIsTheConfigurationsFaultInOneLineOfJson() throws Exception {
        String url = migratedDatabase();
        asOwner(url, role("visitor"));
        Run run = serve(url.replace("postgres:postgres@", "visitor:visitor@"), java.util.Map.of("EVENTWIRE_LOG_FORMAT", "json"));
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        List<String> lines = run.output().strip().lines().toList();
        assertThat(lines).as("one line, not the migration library's page").hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("formattedMessage").asText()).contains("cannot start: cannot read the schema version").contains("permission denied")
                .contains("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA <schema> TO visitor")
                .doesNotContain("Exception").doesNotContain("flyway");
    }

    @Test
    void aReadOnlyUserIsRefusedAtStartNamingWhatItLacks() throws Exception {
        // Before: the start failed at its first write with exit 75, and a supervisor restarted it for ever.
        String url = migratedDatabase();
        asOwner(url, role("reader"), "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader");
        Run run = serve(url.replace("postgres:postgres@", "reader:reader@"));
        assertOneClearLine(run);
        assertThat(run.output().strip().lines()).hasSize(1);
        assertThat(run.output()).contains("the database user reader at jdbc:").doesNotContain("(user reader)").contains("lacks INSERT, UPDATE, DELETE on")
                .contains("delivery_queue").contains("USAGE on").contains("lease_tokens")
                .contains("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO reader");
    }

    @Test
    void aUserGrantedTheTablesAndSequencesServes() throws Exception {
        String url = migratedDatabase();
        asOwner(url, role("service"), "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO service",
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO service");
        String asService = url.replace("postgres:postgres@", "service:service@");
        try (TestServer server = TestServer.start(dir.resolve("service"), c -> c.withStorage(new ServeConfig.Storage(Optional.of(asService), "service")),
                Clock.systemUTC())) {
            assertThat(server.tenant("acme").post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":3}}").status())
                    .isEqualTo(202);
        }
    }

    @Test
    void aUserWhoMayNotCreateTheSchemaGetsOneLineWithoutTheServersExtraLines() throws Exception {
        String url = postgres.freshDatabase();
        asOwner(url, role("builder"), "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        Run run = serve(url.replace("postgres:postgres@", "builder:builder@"));
        assertOneClearLine(run);
        assertThat(run.output().strip().lines()).hasSize(1);
        assertThat(run.output()).contains("cannot migrate the database").contains("permission denied for schema public").doesNotContain("Position");
    }

    @Test
    void aReplicaThatGeneratesItsAdminKeySaysEveryReplicaNeedsThatOne() {
        String url = postgres.freshDatabase();
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServeConfig config = ServeConfig.local(dir.resolve("r1")).withPort(0).withStorage(new ServeConfig.Storage(Optional.of(url), "r1"));
        dev.eventwire.App.start(config, Clock.systemUTC(), said::add).close();
        assertThat(said).anySatisfy(line -> assertThat(line).startsWith("Generated the admin key into ")
                .endsWith("Replicas sharing the database need one admin key: give each this one in EVENTWIRE_ADMIN_KEY."));
    }

    @Test
    void aUserTheDatabaseDoesNotKnow() throws Exception {
        String url = postgres.freshDatabase().replace("postgres:postgres@", "nobody:wrong@");
        Run run = serve(url);
        assertOneClearLine(run);
        assertThat(run.output()).contains("cannot connect to the database").contains("nobody").doesNotContain(":wrong");
    }

    @Test
    void aMalformedUrl() throws Exception {
        for (String url : new String[]{"mysql://localhost/db", "postgresql://user:s3cret@/events", "postgresql://user:s3cret@db:99999/events"}) {
            Run run = serve(url);
            assertThat(run.exit()).as(run.output()).isEqualTo(2);
            assertThat(run.output().strip()).as("one line").doesNotContain("\n").startsWith("eventwire: --database-url (or EVENTWIRE_DATABASE_URL): the database URL")
                    .doesNotContain("s3cret");
            assertThat(dir.resolve("d")).as("nothing written for a URL that does not parse").doesNotExist();
        }
    }

    @Test
    void aSchemaNewerThanTheBinary() throws Exception {
        String url = postgres.freshDatabase();
        TestServer.start(dir.resolve("first"), c -> c.withStorage(new ServeConfig.Storage(Optional.of(url), "first")), Clock.systemUTC()).close();
        String jdbc = url.replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement st = c.createStatement()) {
            // Two versions from the future: the message names the database's newest, not the first this binary lacks.
            for (int v : new int[]{98, 99}) {
                st.execute("INSERT INTO schema_version (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                        + " VALUES (" + v + ", '" + v + "', 'from the future', 'SQL', 'V" + v + "__future.sql', 0, 'postgres', 1, true)");
            }
        }
        Run run = serve(url);
        assertOneClearLine(run);
        assertThat(run.output()).contains("schema version 99").doesNotContain("schema version 98").containsPattern("newer than this binary knows \\(up to [0-9]+\\)");
    }
}
