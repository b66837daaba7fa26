package dev.eventwire.http;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics} (Prometheus text, open or admin-only) and {@code GET /openapi.json} (the API
 * description shipped in the jar). Neither is under {@code /v1}, so neither takes a tenant key.
 */
final class OpsRoutes implements RouteGroup {
    static final String OPENAPI_RESOURCE = "/openapi.json";

    private final ApiKeys keys;
    private final Api.Ops ops;
    private final byte[] openapi;

    OpsRoutes(ApiKeys keys, Api.Ops ops) {
        this.keys = keys;
        this.ops = ops;
        this.openapi = resource(OPENAPI_RESOURCE);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/metrics", ctx -> {
            if (ops.metricsNeedAdmin()) ApiKeys.requireAdmin(keys.principal(ctx));
            ctx.status(200).contentType(ops.metricsContentType()).result(ops.metrics().get());
        });
        routes.get("/openapi.json", ctx -> ctx.status(200).contentType("application/json").result(openapi));
    }

    static byte[] resource(String name) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
