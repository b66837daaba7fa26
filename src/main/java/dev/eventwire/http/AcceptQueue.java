package dev.eventwire.http;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Sets the listen backlog of every connector as the server starts, before any connector opens its socket:
 * Javalin adds its connector after the server is configured, so this is the first moment it can be reached.
 */
final class AcceptQueue implements LifeCycle.Listener {
    private final int size;

    AcceptQueue(int size) {
        this.size = size;
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (!(event instanceof Server server)) return;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) serverConnector.setAcceptQueueSize(size);
        }
    }
}
