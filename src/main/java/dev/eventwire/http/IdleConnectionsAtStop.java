package dev.eventwire.http;

import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.Graceful;

/**
 * Closes, when the server stops, the client connections that wait between requests (keep-alive), so the
 * stop waits only for the requests in flight. Without it, the stop shortens every connection's idle time
 * to a second and waits for that second to pass on connections that have nothing left to answer: every
 * stop took a second longer than its work whenever a client kept a connection open.
 *
 * <p>A connection is between requests when it holds no request and no unread bytes of the next one. A
 * request that arrives just as its connection is closed is not lost to the client's knowledge: it sees the
 * connection close unanswered, as at any server's stop, and sends again elsewhere.
 */
final class IdleConnectionsAtStop implements Graceful {
    private final Server server;
    private volatile boolean shutdown;

    private IdleConnectionsAtStop(Server server) {
        this.server = server;
    }

    /** Installs the behaviour on {@code server}; call before it starts. */
    static void install(Server server) {
        server.addBean(new IdleConnectionsAtStop(server));
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        shutdown = true;
        for (Connector connector : server.getConnectors()) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                if (endPoint.getConnection() instanceof HttpConnection http && http.getHttpChannel().getRequest() == null
                        && http.isRequestBufferEmpty()) {
                    endPoint.close();
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }
}
