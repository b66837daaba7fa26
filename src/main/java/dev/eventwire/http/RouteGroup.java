package dev.eventwire.http;

import io.javalin.config.RoutesConfig;

/** A set of related routes; the server registers each group at start. */
interface RouteGroup {
    void register(RoutesConfig routes);
}
