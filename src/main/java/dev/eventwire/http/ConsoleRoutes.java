package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code /console}: the web console's files (HTML, CSS, JavaScript modules) from the jar, with a strict
 * Content-Security-Policy. The console is static; it talks to {@code /v1/**} with the tenant key the
 * person signs in with, like any other client. See docs/console.md.
 */
final class ConsoleRoutes implements RouteGroup {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final String ROOT = "console/";
    /** Lowercase names in lowercase folders; no dots but the extension's, so no way out of the folder. */
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+(/[a-z0-9-]+)*\\.(html|css|js|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/console", ctx -> serve(ctx, "index.html"));
        routes.get("/console/<asset>", ctx -> serve(ctx, ctx.pathParam("asset")));
    }

    private void serve(Context ctx, String asset) {
        byte[] body = (ASSET.matcher(asset).matches() ? cache.computeIfAbsent(asset, ConsoleRoutes::load) : Optional.<byte[]>empty())
                .orElseThrow(() -> ApiException.notFound("Console file"));
        String extension = asset.substring(asset.lastIndexOf('.') + 1);
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // Files change only with a new build; revalidating keeps an upgraded server from serving stale modules.
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200).contentType(TYPES.get(extension)).result(body);
    }

    private static Optional<byte[]> load(String asset) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(ROOT + asset)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
