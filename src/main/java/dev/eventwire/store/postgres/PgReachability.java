package dev.eventwire.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the database a trivial question every second on a connection of its own, with short timeouts, and
 * says whether it answered. Without it a replica learned that its database was gone only from a write
 * that failed: with no traffic `/health` said ok through a whole outage, and under traffic every request
 * waited the pool's 10 s for a connection before its 503 (a Prometheus scrape too, past its own timeout).
 * While the database does not answer, `/health` is 503 and requests are refused at once.
 *
 * <p>Its connection is kept open between probes, so a database that has reached its connection limit,
 * but still serves the pool's open connections, is not taken for one that is down.
 */
final class PgReachability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgReachability.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Connect, log in and answer within this, or the database counts as unreachable. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HikariDataSource probe;
    private final String where;
    private final Thread thread;
    private volatile String problem;
    private volatile boolean running = true;

    PgReachability(DatabaseUrl url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setPoolName("eventwire-pg-probe");
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(TIMEOUT.toMillis(), 1_000));
        // The pool may start with the database down (it is probed, not required).
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("connectTimeout", String.valueOf(TIMEOUT.toSeconds()));
        config.addDataSourceProperty("loginTimeout", String.valueOf(TIMEOUT.toSeconds()));
        config.addDataSourceProperty("socketTimeout", String.valueOf(TIMEOUT.toSeconds()));
        config.addDataSourceProperty("ApplicationName", "eventwire probe");
        this.probe = new HikariDataSource(config);
        this.where = url.redacted();
        this.thread = Thread.ofPlatform().name("eventwire-pg-probe").daemon(true).unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Why the database counts as unreachable now, or empty while it answers. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private void loop() {
        while (running) {
            String found = ask();
            if (found != null && problem == null) log.warn("the database does not answer: {}", found);
            if (found == null && problem != null) log.info("the database answers again");
            problem = found;
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Null when the database answered; otherwise what went wrong. */
    private String ask() {
        try (Connection c = probe.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) TIMEOUT.toSeconds());
            st.execute("SELECT 1");
            return null;
        } catch (SQLException | RuntimeException e) {
            return "the database at " + where + " does not answer: " + PgDatabase.rootMessage(e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        probe.close();
    }
}
