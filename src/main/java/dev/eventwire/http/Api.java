package dev.eventwire.http;

import dev.eventwire.auth.AuthService;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.IngestService;
import dev.eventwire.support.Json;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Assembles the HTTP server from the services it exposes. */
public final class Api {
    private Api() {
    }

    public static HttpServer server(AuthService auth, IngestService ingest, EventStore events, Json json, BooleanSupplier healthy) {
        Responses responses = new Responses(json);
        return new HttpServer(auth, responses, List.of(
                new AdminRoutes(auth, responses),
                new EventRoutes(ingest, events, responses)), healthy);
    }
}
