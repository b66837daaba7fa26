package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import io.javalin.http.Context;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory spent on request bodies: a request with a body reserves its size (its
 * Content-Length, or the 5 MiB maximum when it does not say) before the body is read, and gives it back
 * when it is answered. Parsing a JSON body takes a small multiple of its size, so the heap used for
 * bodies stays a small multiple of the budget however many large requests arrive at once. A request
 * that finds no room within 30 seconds answers 503 with Retry-After (waiting costs no memory: the
 * body is not read yet).
 */
final class BodyBudget {
    private static final String RESERVED = "eventwire.body-reserved-kib";
    private static final long WAIT_SECONDS = 30;

    private final Semaphore kib;

    BodyBudget(long bytes) {
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / 1024));
    }

    void reserve(Context ctx) {
        String method = ctx.method().name();
        if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) return;
        long length = ctx.req().getContentLengthLong();
        long bytes = length < 0 || length > HttpServer.MAX_BODY_BYTES ? HttpServer.MAX_BODY_BYTES : length;
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
    }

    /** Gives the reservation back; safe to call more than once. */
    void release(Context ctx) {
        Integer permits = ctx.attribute(RESERVED);
        if (permits == null) return;
        ctx.attribute(RESERVED, null);
        kib.release(permits);
    }
}
