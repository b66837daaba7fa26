package dev.eventwire.http;

import dev.eventwire.auth.Principal;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Json;
import dev.eventwire.support.JsonFields;
import dev.eventwire.support.PageRequest;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/** Reading what every route needs from a request: the caller's tenant, paging parameters. */
final class Requests {
    static final String PRINCIPAL = "eventwire.principal";

    private Requests() {
    }

    /** Every value of a header the request carries, in the order sent (a header sent twice has two). */
    static List<String> headers(Context ctx, String name) {
        Enumeration<String> values = ctx.req().getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    /** The caller's tenant; empty for the admin key (or before authentication). */
    static java.util.Optional<String> tenantIfAny(Context ctx) {
        return ctx.attribute(PRINCIPAL) instanceof Principal.Tenant t ? java.util.Optional.of(t.tenant()) : java.util.Optional.empty();
    }

    /** {@link System#nanoTime()} when the server began reading this request (Jetty notes it as the request arrives). */
    static long beganNanos(Context ctx) {
        return org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req()).getBeginNanoTime();
    }

    static String tenant(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal instanceof Principal.Tenant t) return t.tenant();
        throw new ApiException(403, "forbidden", "This path needs a tenant API key; the admin key serves only /v1/admin (keys, replicas, backups).", null);
    }

    /**
     * The listing a request pages, as its cursors are bound to: the tenant, the route and its path parameters.
     * The query's filters are not part of it: a cursor names a place in the listing, and a page read from it
     * with other filters starts there.
     */
    static String listing(Context ctx) {
        return tenant(ctx) + '\n' + ctx.endpoint().path + '\n' + new TreeMap<>(ctx.pathParamMap());
    }

    /**
     * Routes that take no options (a test send, a retry, a delete) still read what was sent: none or
     * {@code {}} is fine, a field is 422 {@code unknown_field} as on every other route — not an option
     * silently ignored (a {@code DELETE} with {@code {"force":true}} once deleted without a word).
     */
    static void requireNoFields(Context ctx, Json mapper) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length > 0) JsonFields.requireObject(mapper.parse(raw), Set.of());
    }

    static PageRequest page(Context ctx, int defaultLimit, int maxLimit, SealedCursors cursors) {
        int limit = limit(ctx, defaultLimit, maxLimit);
        String cursor = ctx.queryParam("cursor");
        if (cursor == null || cursor.isEmpty()) return new PageRequest(limit, OptionalLong.empty());
        long seq = cursors.open(listing(ctx), cursor)
                .orElseThrow(() -> ApiException.invalid("invalid_cursor", "cursor is not one this service issued.", "cursor"));
        return new PageRequest(limit, OptionalLong.of(seq));
    }

    static int limit(Context ctx, int defaultLimit, int maxLimit) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isEmpty()) return defaultLimit;
        // ASCII digits only: Java's parser also reads other scripts' digits (a fullwidth ２) and a leading +.
        if (raw.matches("[0-9]{1,9}")) {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= maxLimit) return limit;
        }
        throw ApiException.invalid("invalid_value", "limit must be a whole number from 1 to " + maxLimit + ".", "limit");
    }
}
