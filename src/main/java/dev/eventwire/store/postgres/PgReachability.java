package dev.eventwire.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
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

    private final String jdbcUrl;
    private final Properties properties = new Properties();
    private final String where;
    private final DatabaseUrl url;
    private final Thread thread;
    /** Kept open between probes; only the probe thread touches it. */
    private Connection connection;
    private volatile String problem;
    private volatile boolean running = true;

    PgReachability(DatabaseUrl url) {
        this.jdbcUrl = url.jdbcUrl();
        url.user().ifPresent(u -> properties.setProperty("user", u));
        url.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", String.valueOf(TIMEOUT.toSeconds()));
        properties.setProperty("loginTimeout", String.valueOf(TIMEOUT.toSeconds()));
        properties.setProperty("socketTimeout", String.valueOf(TIMEOUT.toSeconds()));
        properties.setProperty("ApplicationName", "eventwire probe");
        this.where = url.redacted();
        this.url = url;
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
            if (!running) break; // a stop interrupted the probe: nothing to report
            if (found != null && problem == null) log.warn("{}", found);
            if (found == null && problem != null) log.info("the database at {} answers again", where);
            problem = found;
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
        closeConnection();
    }

    /**
     * Null when the database answered; otherwise what went wrong. A plain connection rather than a pool:
     * a pool asked for a connection while the database is down waits its whole timeout, where a refused
     * connection says so at once.
     */
    private String ask() {
        try {
            if (connection == null || connection.isClosed()) connection = DriverManager.getConnection(jdbcUrl, properties);
            // Bounded by the socket timeout alone: a query timeout sends a cancel on a connection of its own
            // and waits for the server to close it, 10 s more when the server is frozen (SIGSTOP, a hung VM).
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT 1");
            }
            return null;
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            return "the database at " + where + " does not answer: " + url.scrub(PgDatabase.why(e));
        }
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already broken: nothing to give back
        }
        connection = null;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
