package dev.eventwire.http;

import java.lang.management.ManagementFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;

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

    static NetworkConnectionLimit on(Server server) {
        NetworkConnectionLimit limit = new NetworkConnectionLimit(connections(), server);
        limit.setEndPointIdleTimeout(IDLE_AT_CAP_MILLIS);
        return limit;
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
