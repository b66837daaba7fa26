package dev.eventwire.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request refused before its body was read (no key, the tenant over its share, the server busy, a media
 * type it does not take) is answered at once, and its body is then read and thrown away. Left unread, the
 * server would close the connection under a body still arriving, the client's next packet would draw a
 * reset, and the reset can destroy the answer before the client reads it: the client saw "no response"
 * instead of 429, and could not know whether to retry. Read to its end, the connection stays open for the
 * next request. Discarding takes a small buffer, not the body's size, so the refusal still costs no memory.
 */
final class UnreadBody {
    private static final String READ = "eventwire.body-read";
    private static final int CHUNK = 16 * 1024;
    /**
     * The most of a declared body read to keep the connection: a body over the 5 MiB limit is refused at once,
     * and up to this size its client (who may send it all before reading) still gets the answer. Beyond it
     * the connection closes after the answer.
     */
    static final long DISCARD_LIMIT_BYTES = 32L * 1024 * 1024;

    private UnreadBody() {
    }

    /** Marks the request's body as read (the routes have it). */
    static void markRead(Context ctx) {
        ctx.attribute(READ, Boolean.TRUE);
    }

    /**
     * Sends the answer already set on {@code ctx} now, then reads the body to its end and discards it. Does
     * nothing when the request carries no body, when it was read, or when it declares more than
     * {@link #DISCARD_LIMIT_BYTES} (that connection closes, as a client sending such a body must expect).
     */
    static void answerThenDiscard(Context ctx) {
        if (ctx.attribute(READ) != null || !HttpServer.carriesBody(ctx)) return;
        long declared = ctx.req().getContentLengthLong();
        boolean chunked = ctx.header("Transfer-Encoding") != null;
        if (declared == 0 || (declared < 0 && !chunked) || declared > DISCARD_LIMIT_BYTES) return;
        try {
            InputStream result = ctx.resultInputStream();
            byte[] answer = result == null ? new byte[0] : result.readAllBytes();
            ctx.result(new byte[0]);
            ctx.res().setContentLength(answer.length);
            ctx.res().getOutputStream().write(answer);
            ctx.res().flushBuffer();
            discard(ctx.req().getInputStream(), Math.max(declared, HttpServer.MAX_BODY_BYTES));
        } catch (IOException | RuntimeException gone) {
            // The client went away or stopped sending (the idle timeout): Jetty closes the connection.
        }
    }

    private static void discard(InputStream body, long limit) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long read = 0;
        int n;
        // A chunked body may claim to go on for ever: past the largest body taken, the connection is closed instead.
        while ((n = body.read(chunk)) >= 0) {
            read += n;
            if (read > limit) return;
        }
    }
}
