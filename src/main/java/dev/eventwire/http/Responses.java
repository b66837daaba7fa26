package dev.eventwire.http;

import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Json;
import io.javalin.http.Context;

/** Writes JSON responses with the service's one mapper (snake_case fields, ISO timestamps). */
final class Responses {
    private final Json json;

    Responses(Json json) {
        this.json = json;
    }

    void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(json.write(body));
    }

    void error(Context ctx, int status, String code, String message, String field) {
        error(ctx, status, new ErrorDetail(code, message, field));
    }

    void error(Context ctx, int status, ErrorDetail detail) {
        json(ctx, status, new ErrorBody(detail));
    }

    Json mapper() {
        return json;
    }
}
