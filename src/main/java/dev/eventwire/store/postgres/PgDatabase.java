package dev.eventwire.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventwire.store.SqlWork;
import dev.eventwire.support.StoreConfigurationException;
import dev.eventwire.support.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * A PostgreSQL database shared by replicas: a HikariCP pool, and the schema brought up to date at start
 * by Flyway (which holds a database lock while it migrates, so replicas starting together apply each
 * version once). A database whose schema is newer than this binary is refused.
 */
public final class PgDatabase implements AutoCloseable {
    /** The migration library's own lines are left out (it logs several at every start); a schema change is one line of ours. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgDatabase.class);
    /** How long PostgreSQL lets a transaction of ours sit idle before it ends it and frees its locks. */
    static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(5);
    /** The longest one of our statements waits for a lock another session holds. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(5);

    /**
     * The longest one read or write on a connection may wait for the database's answer. Without a limit, a
     * database that accepted connections but never answered held a start, and any request in the middle of
     * a statement, for ever.
     */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** Connecting and logging in (a start, a new pooled connection) take at most this. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HikariDataSource pool;
    private final PgReachability reachability;

    private PgDatabase(HikariDataSource pool, PgReachability reachability) {
        this.pool = pool;
        this.reachability = reachability;
    }

    /** Opens the pool and migrates; a configuration that cannot work (unreachable, refused, too new) throws {@link StoreConfigurationException}. */
    public static PgDatabase open(DatabaseUrl url, int poolSize, String replicaId) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(4, poolSize));
        config.setPoolName("eventwire-pg");
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.setInitializationFailTimeout(Duration.ofSeconds(5).toMillis());
        config.addDataSourceProperty("ApplicationName", "eventwire " + replicaId);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        // A replica paused (SIGSTOP, a VM frozen) or cut off in the middle of a transaction keeps its row
        // locks, and claims skip locked rows: its leased deliveries would wait for it to come back, not for
        // its lease. PostgreSQL ends a transaction left idle this long, which frees them well within any
        // lease (delivery timeout + 10 s); none of ours waits between statements for anything but the CPU.
        // A lock held elsewhere (an operator's LOCK TABLE, a long migration) made every replica's ingest hang
        // for the 30-s answer timeout while /health said ok; none of our statements waits for a lock that long,
        // so after LOCK_WAIT the write fails, its clients get a 503 and /health says writes fail.
        config.addDataSourceProperty("options", "-c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION.toMillis()
                + " -c lock_timeout=" + LOCK_WAIT.toMillis());
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw cannotStart("cannot connect to the database at " + url.redacted() + ": " + url.scrub(why(e)), e);
        }
        try {
            migrate(pool, url);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        PgReachability reachability = new PgReachability(url);
        reachability.start();
        return new PgDatabase(pool, reachability);
    }

    /** Why the database counts as unreachable now (it did not answer the last probe), or empty. */
    public java.util.Optional<String> unreachable() {
        return reachability.problem();
    }

    /** Refuses at once while the database does not answer, rather than after the pool's wait for a connection. */
    private void requireReachable() {
        reachability.problem().ifPresent(p -> {
            throw new StoreUnavailableException(p, null);
        });
    }

    private static void migrate(HikariDataSource pool, DatabaseUrl url) {
        Flyway flyway = Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/postgresql")
                .table("schema_version")
                .baselineOnMigrate(false)
                .validateMigrationNaming(true)
                .load();
        MigrationInfo[] applied;
        MigrationInfo[] known;
        try {
            // Reading the schema history already fails for a user who may not read it: one line, not the library's page.
            applied = flyway.info().applied();
            known = flyway.info().all();
        } catch (FlywayException e) {
            // A user granted nothing at all (the forgotten GRANT) is refused here, before the check that names what it lacks.
            String hint = PgPrivileges.lacksPrivilege(e) ? "; the user needs the schema's tables (" + PgPrivileges.grants(url.user().orElse("<user>"), "<schema>")
                    + ", and SELECT on schema_version)" : "";
            throw cannotStart("cannot read the schema version of the database at " + url.redacted() + ": " + url.scrub(why(e)) + hint, e);
        }
        String newestKnown = "0";
        for (MigrationInfo m : known) {
            if (m.getVersion() != null && m.getState().isResolved()) newestKnown = m.getVersion().getVersion();
        }
        // Applied versions come oldest first: the message names the database's newest, not the first this binary lacks.
        MigrationInfo newestFuture = null;
        for (MigrationInfo m : applied) {
            if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) newestFuture = m;
        }
        if (newestFuture != null) {
            throw new StoreConfigurationException("the database at " + url.redacted() + " has schema version " + newestFuture.getVersion()
                    + ", newer than this binary knows (up to " + newestKnown + "); run a newer Eventwire", null);
        }
        try {
            org.flywaydb.core.api.output.MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                if (result.initialSchemaVersion == null) LOG.info("Created the database schema at {} (version {})", url.redacted(), result.targetSchemaVersion);
                else LOG.info("Migrated the database schema at {} from version {} to {}", url.redacted(), result.initialSchemaVersion, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw cannotStart("cannot migrate the database at " + url.redacted() + ": " + url.scrub(why(e)), e);
        }
        PgPrivileges.require(pool, url);
    }

    /**
     * A start that failed for a passing reason (the database refuses connections, has no slot free, is
     * starting or stopping, or does not answer) is a {@link StoreUnavailableException}: the process exits 75
     * and a supervisor starts it again. Any other (refused credentials, no such database, a bad address) is
     * the configuration's: exit 2. A replica started while the database was out of connection slots
     * exited 2 and, by the rule that 2 is not retried, stayed down.
     */
    private static RuntimeException cannotStart(String why, RuntimeException e) {
        return passing(e) ? new StoreUnavailableException(why + " (it may pass: start again later)", e) : new StoreConfigurationException(why, e);
    }

    private static boolean passing(Throwable e) {
        boolean passing = false;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) return false;
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // credentials, no such database, a connection the client side refuses to make (no password to give, TLS the server lacks)
                if (state.startsWith("28") || state.equals("3D000") || state.equals("08004")) return false;
                // connection, resources, starting up, a lock held elsewhere (a migration waiting for another's transactions)
                passing |= state.startsWith("08") || state.startsWith("53") || state.equals("57P03") || state.equals("55P03");
            }
            passing |= t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException;
        }
        return passing;
    }

    /** The root cause in words; a name that does not resolve said so (the driver's message is the bare host name). */
    static String why(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "08004".equals(sql.getSQLState()) && String.valueOf(sql.getMessage()).contains("no password was provided")) {
                return "the database asks for a password and none was given: no password was provided (write it in the URL as"
                        + " user:password@, percent-encoded, or in a password file: the one PGPASSFILE names, or .pgpass in the home folder of the user the"
                        + " process runs as; PGPASSWORD is not read)";
            }
            if (t instanceof java.net.UnknownHostException u) {
                String host = u.getMessage() == null ? "" : u.getMessage().split(":", 2)[0].strip() + " ";
                return "the host name " + host + "does not resolve";
            }
        }
        return rootMessage(e);
    }

    /** The root cause's message, its first line only (PostgreSQL adds lines such as "Position: 14"). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? unnamed(t) : t.getMessage().lines().findFirst().orElse("").strip();
    }

    /** In words, a failure that came without a message (a log line once read "does not answer: EOFException"). */
    private static String unnamed(Throwable t) {
        if (t instanceof java.io.EOFException) return "the connection was closed in mid-answer";
        if (t instanceof java.net.SocketTimeoutException) return "no answer in time";
        if (t instanceof java.io.IOException) return "the connection failed";
        return "an unexplained failure";
    }

    /** Runs {@code work} in one transaction, committed when it returns; rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        requireReachable();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the database refused a write: " + e.getMessage(), e);
        }
    }

    /** Runs a read in auto-commit mode (each statement its own snapshot). */
    public <T> T read(SqlWork<T> work) {
        requireReachable();
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the database refused a read: " + e.getMessage(), e);
        }
    }

    /** Runs reads in one repeatable-read snapshot. */
    public <T> T snapshot(SqlWork<T> work) {
        requireReachable();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the database refused a read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        reachability.close();
        pool.close();
    }

}
