package dev.eventwire.http;

import dev.eventwire.events.TenantAdmission;
import dev.eventwire.support.ApiException;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory spent on request bodies: a request with a body reserves its size (its
 * Content-Length, or the 5 MiB maximum when it does not say) before the body is read, and gives it back
 * when it is answered. Parsing a JSON body takes a small multiple of its size, so the heap used for
 * bodies stays a small multiple of the budget however many large requests arrive at once. A request
 * that finds no room within 30 seconds answers 503 with Retry-After (waiting costs no memory: the
 * body is not read yet).
 *
 * <p>A tenant's request first takes its size from the tenant's own budget, at once or 429: one tenant's
 * bodies, however slowly they arrive and on whatever route, hold at most that share of the shared budget.
 * (Taken after the body was read, as it was, a tenant trickling 16 bodies of 4 MiB at a byte every few
 * seconds held all of it, and every other tenant's requests waited 30 s for a 503.)
 */
final class BodyBudget {
    private static final String RESERVED = "eventwire.body-reserved-kib";
    private static final String RELEASE = "eventwire.body-release";
    private static final long WAIT_SECONDS = 30;

    private static final String TENANT_PERMIT = "eventwire.body-tenant-permit";

    private final Semaphore kib;
    private final TenantAdmission tenants;

    BodyBudget(long bytes, TenantAdmission tenants) {
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.tenants = tenants;
    }

    /** Reserves room for the request's body: the tenant's share first (429 at once), then the shared budget. */
    void reserve(Context ctx, Optional<String> tenant) {
        String method = ctx.method().name();
        if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) return;
        long length = ctx.req().getContentLengthLong();
        // Neither a length nor chunks: the request has no body at all (HTTP/1.1), so it reserves the least.
        boolean chunked = ctx.header("Transfer-Encoding") != null;
        long bytes = length < 0 ? (chunked ? HttpServer.MAX_BODY_BYTES : 0) : Math.min(length, HttpServer.MAX_BODY_BYTES);
        if (tenant.isPresent()) {
            ctx.attribute(TENANT_PERMIT, tenants.admit(tenant.get(), bytes));
            ctx.attribute(RELEASE, (Runnable) () -> release(ctx));
        }
        int permits = (int) Math.max(1, (bytes + 1023) / 1024);
        try {
            if (!kib.tryAcquire(permits, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ApiException(503, "busy", "The server is reading as many request bodies as it may at once; retry after the time in Retry-After.", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "The server is stopping.", null);
        }
        ctx.attribute(RESERVED, permits);
        ctx.attribute(RELEASE, (Runnable) () -> release(ctx));
    }

    /**
     * For a route that takes no body and may hold its request for a long time (a webhook test waits for
     * its attempts): gives the reservation back now, so a tenant holding many such requests open does not
     * hold other tenants' bodies out of the budget.
     */
    static void bodyNotNeeded(Context ctx) {
        Runnable release = ctx.attribute(RELEASE);
        if (release != null) release.run();
    }

    /** Gives the reservation back; safe to call more than once. */
    void release(Context ctx) {
        TenantAdmission.Permit tenantPermit = ctx.attribute(TENANT_PERMIT);
        if (tenantPermit != null) {
            ctx.attribute(TENANT_PERMIT, null);
            tenantPermit.close();
        }
        Integer permits = ctx.attribute(RESERVED);
        if (permits == null) return;
        ctx.attribute(RESERVED, null);
        kib.release(permits);
    }
}
