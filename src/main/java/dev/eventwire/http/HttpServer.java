package dev.eventwire.http;

import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.Principal;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import dev.eventwire.support.QuietWarnings;
import dev.eventwire.support.ServiceHealth;
import dev.eventwire.support.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: Javalin on Jetty with virtual threads (handlers block on the group commit without
 * holding a platform thread), API-key authentication for {@code /v1/**}, and the one error mapping (the error
 * body and codes of docs/api-choices.md). Routes hold no SQL and no business rules.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    public static final long MAX_BODY_BYTES = 5L * 1024 * 1024;
    /**
     * Connections the kernel may hold for the acceptor. Jetty leaves it to Java's default of 50: a burst of
     * new connections on a busy machine (clients reconnecting after a restart, a load generator opening
     * sockets as latency rises) overflowed it, and each dropped SYN cost its client a retransmission after 1 s,
     * then 3, 7, 15… s. Linux caps it at {@code net.core.somaxconn} (4096 by default).
     */
    public static final int ACCEPT_QUEUE = 4096;

    private final Javalin app;
    private final LargeBodyWork largeBodies;
    private final List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A registered route: an HTTP method and a path pattern such as {@code /v1/webhooks/{id}}. */
    public record Route(String method, String path) {
    }

    public HttpServer(AuthService auth, Responses responses, List<RouteGroup> groups, Supplier<ServiceHealth> health, Api.Identity identity,
                      long bodyBudgetBytes, dev.eventwire.events.TenantAdmission tenantBodies, LargeBodyWork largeBodies) {
        this.largeBodies = largeBodies;
        BodyBudget budget = new BodyBudget(bodyBudgetBytes, tenantBodies);
        ApiKeys keys = new ApiKeys(auth);
        // While the disk is full every write is refused: a line per refused request would flood the log.
        QuietWarnings storeUnavailable = new QuietWarnings(log, java.time.Duration.ofSeconds(10));
        QueryParameters documented = QueryParameters.shipped();
        this.app = Javalin.create(config -> {
            // Every route as the router has it, so the OpenAPI document can be checked against the real thing.
            List<io.javalin.event.HandlerMetaInfo> gets = new java.util.ArrayList<>();
            config.events.handlerAdded(meta -> {
                // HEAD mirrors GET (below), as HTTP defines it; the document lists the GET.
                if (meta.getHttpMethod().isHttpMethod() && meta.getHttpMethod() != HandlerType.HEAD) routes.add(new Route(meta.getHttpMethod().name(), meta.getPath()));
                if (meta.getHttpMethod() == HandlerType.GET) gets.add(meta);
            });
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            // A path that exists with other methods answers 405, not 404.
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000);
                server.setErrorHandler(new JsonErrorHandler(responses.mapper()));
                server.addEventListener(new AcceptQueue(ACCEPT_QUEUE));
                ConnectionCap.install(server);
                IdleConnectionsAtStop.install(server);
            });

            config.routes.get("/health", ctx -> {
                switch (health.get()) {
                    case ServiceHealth.Ok ok -> responses.json(ctx, 200, new Health("ok", null, identity.store(), identity.replica()));
                    case ServiceHealth.Degraded d -> responses.json(ctx, 200, new Health("degraded", d.reason(), identity.store(), identity.replica()));
                    case ServiceHealth.Unavailable u -> {
                        ctx.header("Retry-After", "1");
                        // The health shape for whoever reads status, and the error body every failure answers with.
                        responses.json(ctx, 503, new UnavailableHealth("unavailable", u.reason(), identity.store(), identity.replica(),
                                new dev.eventwire.support.ErrorDetail("unavailable", u.reason(), null)));
                    }
                }
            });
            config.routes.before("/v1/*", ctx -> {
                // Every /v1 answer is one key's data and some carry secrets (a webhook's signing secret, a new
                // API key): no browser or proxy may keep a copy. Set first, so refusals (401, 404, 429) carry it too.
                ctx.header("Cache-Control", "no-store");
                UrlEscapes.requireValid(ctx.req().getRequestURI(), ctx.queryString());
                authenticate(ctx, keys);
                refuseDeclaredOversize(ctx);
                // Any method: a GET that sends a body in another type was answered as if it had sent none.
                if (!declaredEmpty(ctx)) JsonBodyRule.require(ctx);
                budget.reserve(ctx, Requests.tenantIfAny(ctx));
                readBody(ctx);
            });
            // Once the route is known (and the caller authenticated): a parameter it does not take, or given empty, is refused.
            config.routes.beforeMatched("/v1/*", ctx -> {
                io.javalin.router.Endpoint route = ctx.endpoints().matchedHttpEndpoint();
                Map<String, List<String>> given = QueryParameters.named(ctx.queryParamMap());
                if (route != null) documented.requireKnown(ctx.method().name(), route.path, given.keySet());
                QueryParameters.requireValues(given);
            });
            config.routes.after("/v1/*", budget::release);
            for (RouteGroup group : groups) group.register(config.routes);
            // Javalin answers HEAD on a GET path with an empty 200 without running anything: a HEAD health
            // check would pass on a failing server, and HEAD on a missing file or without a key got 200. HEAD
            // runs the GET handler instead (Jetty sends its status and headers, never its body).
            for (var get : List.copyOf(gets)) config.routes.addHttpHandler(HandlerType.HEAD, get.getPath(), get.getHandler());

            config.routes.exception(ApiException.class, (e, ctx) -> {
                budget.release(ctx);
                e.retryAfterSeconds().ifPresent(seconds -> ctx.header("Retry-After", Long.toString(seconds)));
                // HTTP requires a 401 to name the scheme a client should authenticate with.
                if (e.status() == 401) ctx.header("WWW-Authenticate", "Bearer realm=\"eventwire\"");
                responses.error(ctx, e.status(), e.detail());
                UnreadBody.answerThenDiscard(ctx);
            });
            config.routes.exception(dev.eventwire.support.SecretKeyMissingException.class, (e, ctx) -> answerStoreUnavailable(ctx, e, budget, storeUnavailable, responses,
                    "This server cannot open the webhook secrets in the store: they are sealed with a key it was not started with (its /health says which)."));
            config.routes.exception(StoreUnavailableException.class, (e, ctx) -> answerStoreUnavailable(ctx, e, budget, storeUnavailable, responses,
                    "The store is unavailable; retry later."));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> mapJavalin(ctx, e, responses));
            config.routes.exception(Exception.class, (e, ctx) -> {
                budget.release(ctx);
                if (brokenBody(e)) {
                    // The client's doing (a body that ends before its length, bad chunk framing, an upload
                    // aborted): one line, not a stack trace per request, and not a server error.
                    log.info("bad request body on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                    responses.error(ctx, 400, "bad_request", "The request body ended early or its framing is invalid.", null);
                    return;
                }
                log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                responses.error(ctx, 500, "internal_error", "An internal error occurred.", null);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    responses.error(ctx, 404, "not_found", noSuchPath(ctx), null);
                }
            });
            config.routes.error(405, ctx -> responses.error(ctx, 405, "method_not_allowed", "Method not allowed.", null));
        });
    }

    private record Health(String status, @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String reason,
                          String store, String replica) {
    }

    private record UnavailableHealth(String status, String reason, String store, String replica, dev.eventwire.support.ErrorDetail error) {
    }

    private static void authenticate(Context ctx, ApiKeys keys) {
        Principal principal = keys.principal(ctx);
        boolean adminPath = ctx.path().startsWith("/v1/admin/") || ctx.path().equals("/v1/admin");
        if (adminPath) ApiKeys.requireAdmin(principal);
        ctx.attribute(Requests.PRINCIPAL, principal);
    }

    /**
     * A body declared larger than the limit is refused once the key is known (a missing or unknown key is
     * still 401) and before the body is looked at: refused here it takes nothing of the tenant's byte rate or
     * of the body budget. A
     * client that asked to be told to go on ({@code Expect: 100-continue}) has sent nothing and the connection
     * closes; one already sending gets the answer at once and its body is read and thrown away
     * ({@link UnreadBody}), so it can read the answer: closed under the arriving body, the connection drew a
     * reset and a client that sends its whole body before reading (Python's http.client) lost the answer.
     */
    private static void refuseDeclaredOversize(Context ctx) {
        if (carriesBody(ctx) && ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
            throw new ApiException(413, "body_too_large", "The request body is larger than 5 MiB.", null);
        }
    }

    /** A 503 {@code store_unavailable} with {@code message}; the cause goes to the rate-limited log. */
    private static void answerStoreUnavailable(Context ctx, RuntimeException e, BodyBudget budget, QuietWarnings warnings, Responses responses,
                                               String message) {
        budget.release(ctx);
        warnings.warn("store unavailable: " + e.getMessage());
        ctx.header("Retry-After", "1");
        responses.error(ctx, 503, "store_unavailable", message, null);
        UnreadBody.answerThenDiscard(ctx);
    }

    /**
     * Reads a request's body before its route runs (the routes get it from Javalin's cache). A client that
     * stops sending its body is given up after 30 s of silence; were the body read in the route, Javalin
     * would answer that itself, with an empty 408 and none of the error body every other refusal carries.
     */
    private static void readBody(Context ctx) {
        if (!carriesBody(ctx)) return;
        UnreadBody.markRead(ctx); // read here or failed here: nothing is left to discard
        try {
            ctx.bodyAsBytes();
        } catch (Exception e) {
            if (stoppedArriving(e)) {
                throw new ApiException(408, "request_timeout", "The request body stopped arriving: nothing came for 30 s.", null);
            }
            throw e;
        }
    }

    static boolean carriesBody(Context ctx) {
        String method = ctx.method().name();
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    /**
     * A request that says it has no body (Content-Length: 0, or on HTTP/1.1 neither a length nor chunks)
     * has nothing a wrong media type could mis-read: the Content-Type an HTTP library sends by default on
     * an empty POST (application/octet-stream) made routes that take no body, such as a test event, 415.
     */
    private static boolean declaredEmpty(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        return length == 0 || length < 0 && ctx.header("Transfer-Encoding") == null && ctx.req().getProtocol().startsWith("HTTP/1");
    }

    /** Whether the client stopped sending its body: Jetty's idle timeout fired while it was read. */
    private static boolean stoppedArriving(Throwable e) {
        return causedBy(e, java.util.concurrent.TimeoutException.class);
    }

    /** Whether reading the request body failed because of the request itself (Jetty's EOF and bad-message errors). */
    private static boolean brokenBody(Throwable e) {
        return causedBy(e, org.eclipse.jetty.io.EofException.class, org.eclipse.jetty.http.BadMessageException.class);
    }

    private static boolean causedBy(Throwable e, Class<?>... kinds) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<?> kind : kinds) if (kind.isInstance(t)) return true;
        }
        return false;
    }

    private static void mapJavalin(Context ctx, HttpResponseException e, Responses responses) {
        int status = e.getStatus();
        // HTTP requires a 405 to say which methods the resource takes.
        String allowed = e.getDetails().get("availableMethods");
        if (status == 405 && allowed != null) ctx.header("Allow", allowed);
        String code = switch (status) {
            case 413 -> "body_too_large";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 400 -> "bad_request";
            default -> "http_" + status;
        };
        String message = switch (status) {
            case 413 -> "The request body is larger than 5 MiB.";
            case 404 -> noSuchPath(ctx);
            default -> e.getMessage();
        };
        responses.error(ctx, status, code, message, null);
    }

    /** The path as it came (still percent-escaped), cut short: a 7,000-character path was repeated whole. */
    private static String noSuchPath(Context ctx) {
        return "No such path: " + ctx.method() + " " + Echo.of(ctx.path());
    }

    public HttpServer start(String host, int port) {
        try {
            app.start(host, port);
        } catch (io.javalin.util.JavalinBindException e) {
            throw new PortUnavailableException(host, port, e);
        }
        return this;
    }

    /**
     * Fails when {@code host:port} cannot be listened on now (another process has it, or the address is
     * not this machine's), so a start can say so before it opens the store or spends its warm-up. The
     * start itself still reports a port taken in between. Port 0 (any free port) checks the address alone.
     */
    public static void requireFree(String host, int port) {
        // Port 0 too: any port is free, but the address may not be this machine's.
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new PortUnavailableException(host, port, e);
        }
    }

    public int port() {
        return app.port();
    }

    /** Every route registered, in registration order. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        app.stop();
        largeBodies.close();
    }
}
