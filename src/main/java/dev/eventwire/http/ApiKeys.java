package dev.eventwire.http;

import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.Principal;
import dev.eventwire.support.ApiException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Who presented which key: {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. */
final class ApiKeys {
    private final AuthService auth;

    ApiKeys(AuthService auth) {
        this.auth = auth;
    }

    /**
     * The caller; 401 without a valid key. A request that presents two different keys (two
     * Authorization headers, or Authorization and X-API-Key disagreeing) is refused rather than served
     * as whichever one happens to be read first.
     */
    Principal principal(Context ctx) {
        List<String> presented = new ArrayList<>();
        for (String h : Requests.headers(ctx, "Authorization")) {
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) presented.add(h.substring(7));
        }
        presented.addAll(Requests.headers(ctx, "X-API-Key"));
        if (presented.stream().distinct().count() > 1) {
            throw new ApiException(401, "unauthorized", "Present one API key: the request carries more than one.", null);
        }
        String key = presented.isEmpty() ? null : presented.getFirst();
        return auth.authenticate(key)
                .orElseThrow(() -> new ApiException(401, "unauthorized", "A valid API key is required (Authorization: Bearer <key>).", null));
    }

    /** 403 unless the caller holds the admin key. */
    static void requireAdmin(Principal principal) {
        if (!(principal instanceof Principal.Admin)) throw new ApiException(403, "forbidden", "This path needs the admin key.", null);
    }
}
