package dev.eventwire.http;

import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.Principal;
import dev.eventwire.support.ApiException;
import io.javalin.http.Context;
import java.util.Optional;

/** Who presented which key: {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. */
final class ApiKeys {
    private final AuthService auth;

    ApiKeys(AuthService auth) {
        this.auth = auth;
    }

    /** The caller; 401 without a valid key. */
    Principal principal(Context ctx) {
        String presented = Optional.ofNullable(ctx.header("Authorization"))
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7))
                .orElse(ctx.header("X-API-Key"));
        return auth.authenticate(presented)
                .orElseThrow(() -> new ApiException(401, "unauthorized", "A valid API key is required (Authorization: Bearer <key>).", null));
    }

    /** 403 unless the caller holds the admin key. */
    static void requireAdmin(Principal principal) {
        if (!(principal instanceof Principal.Admin)) throw new ApiException(403, "forbidden", "This path needs the admin key.", null);
    }
}
