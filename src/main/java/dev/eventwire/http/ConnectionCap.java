package dev.eventwire.http;

import java.lang.management.ManagementFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Caps the client connections the server holds at once to half the process's open-file limit, so that
 * clients holding connections open (a header sent a line every few seconds, or nothing at all) cannot
 * take the files the store, the ingest journal and the webhook requests need: before, 19,600 such
 * connections hit the limit, and every accept then failed with "Too many open files" once a second. At
 * the cap new connections wait in the listen queue, and connections idle for a second are closed to make
 * room, so clients that send their requests get in.
 */
final class ConnectionCap {
    /** Beyond this, a process on two cores gains nothing from more connections at once. */
    private static final int MOST = 50_000;
    private static final int LEAST = 64;
    /** How long a connection may stay idle while the cap is reached. */
    static final long IDLE_AT_CAP_MILLIS = 1_000;

    private ConnectionCap() {
    }

    /** Caps {@code server}'s connections; call before it starts. */
    static void install(Server server) {
        NetworkConnectionLimit limit = new NetworkConnectionLimit(connections(), server);
        limit.setEndPointIdleTimeout(IDLE_AT_CAP_MILLIS);
        server.addBean(limit);
        // Javalin adds its connector after the server is configured: starting is the first moment it can be reached.
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector c) c.addEventListener(new ShortIdleAtCap(limit));
                }
            }
        });
    }

    /**
     * The limit shortens the idle time of the connections open when the cap is reached, and only of those:
     * in a burst, the connections accepted to reach the cap are mostly still being set up at that moment,
     * and kept the normal 30 s, holding every client behind them in the listen queue for as long. Each
     * connection that opens while the cap is reached gets the short idle time here.
     */
    private record ShortIdleAtCap(NetworkConnectionLimit limit) implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            if (limit.getNetworkConnectionCount() + limit.getPendingNetworkConnectionCount() >= limit.getMaxNetworkConnectionCount()) {
                connection.getEndPoint().setIdleTimeout(IDLE_AT_CAP_MILLIS);
            }
        }
    }

    /** Half the open-file limit, within {@value #LEAST}..{@value #MOST}; {@value #MOST} where the limit is unknown. */
    static int connections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long files = unix.getMaxFileDescriptorCount();
            if (files > 0) return (int) Math.max(LEAST, Math.min(MOST, files / 2));
        }
        return MOST;
    }
}
